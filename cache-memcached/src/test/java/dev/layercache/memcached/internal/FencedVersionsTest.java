package dev.layercache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.spi.BackendRead;
import dev.layercache.spi.TagVersions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FencedVersionsTest {
  private static final List<String> COPIES = List.of("fence:0", "fence:1");

  /**
   * A read of the two copies, each on its own node: {@code null} value for a copy its node holds
   * not, {@code down} for a node that did not answer.
   */
  private static MultiGetClient.Reply read(
      @Nullable String first, boolean firstDown, @Nullable String second, boolean secondDown) {
    String[] failures = {firstDown ? "down" : null, secondDown ? "down" : null};
    MultiGetClient.Reply reply = new MultiGetClient.Reply(COPIES, new int[] {0, 1}, failures, 0);
    if (first != null) {
      reply.gotData(COPIES.get(0), 0, first.getBytes(StandardCharsets.US_ASCII));
    }
    if (second != null) {
      reply.gotData(COPIES.get(1), 0, second.getBytes(StandardCharsets.US_ASCII));
    }
    return reply;
  }

  @Test
  void fence_isTheHighestCopyThatAnswered() {
    assertThat(FencedVersions.fence(COPIES, read("7", false, "9", false))).isEqualTo(9);
    assertThat(FencedVersions.fence(COPIES, read("9", false, "7", false))).isEqualTo(9);
  }

  @Test
  void fence_leavesOutACopyWhoseNodeDidNotAnswer() {
    assertThat(FencedVersions.fence(COPIES, read("7", false, "9", true))).isEqualTo(7);
    assertThat(FencedVersions.fence(COPIES, read("7", true, "9", false))).isEqualTo(9);
  }

  @Test
  void fence_withACopyLost_isAbsent_evenWhereTheOtherCopyHoldsOne() {
    assertThat(FencedVersions.fence(COPIES, read(null, false, "9", false)))
        .isEqualTo(BackendRead.ABSENT);
    assertThat(FencedVersions.fence(COPIES, read("9", false, "junk", false)))
        .isEqualTo(BackendRead.ABSENT);
  }

  @Test
  void fence_noCopyAnswered_isUnreachable() {
    assertThat(FencedVersions.fence(COPIES, read("7", true, "9", true)))
        .isEqualTo(FencedVersions.UNREACHABLE);
  }

  @Test
  void combined_isPositive_andEqualOnlyForEqualPairs() {
    long v = TagVersions.fresh();
    long f = TagVersions.fresh();
    assertThat(FencedVersions.combined(v, f)).isPositive().isEqualTo(FencedVersions.combined(v, f));
    // A sum would repeat here: the version grew by one, and this reader's fence is one lower.
    assertThat(FencedVersions.combined(v + 1, f)).isNotEqualTo(FencedVersions.combined(v, f + 1));
    assertThat(FencedVersions.combined(v, f + 1)).isNotEqualTo(FencedVersions.combined(v, f));
    assertThat(FencedVersions.combined(f, v)).isNotEqualTo(FencedVersions.combined(v, f));
  }

  @Test
  void raisedTarget_isAboveTheHighestCopy() {
    assertThat(FencedVersions.raisedTarget(COPIES, read("7", false, "9", false))).isEqualTo(10);
  }

  @Test
  void raisedTarget_withACopyLost_isAtLeastFresh() {
    long before = TagVersions.fresh();
    long target = FencedVersions.raisedTarget(COPIES, read("7", false, null, false));
    assertThat(target).isGreaterThan(7).isGreaterThanOrEqualTo(before & ~((1L << 20) - 1));
  }

  @Test
  void raisedTo_raisesLowerOrMissingCopies_andKeepsHigherOnes() {
    var raise = FencedVersions.raisedTo(10);
    assertThat(text(raise.apply(bytes("7")))).isEqualTo("10");
    assertThat(text(raise.apply(null))).isEqualTo("10");
    assertThat(text(raise.apply(bytes("junk")))).isEqualTo("10");
    assertThat(text(raise.apply(bytes("12")))).isEqualTo("12");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(byte @Nullable [] b) {
    return b == null ? "null" : new String(b, StandardCharsets.US_ASCII);
  }
}
