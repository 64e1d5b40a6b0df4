package dev.layercache.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stored form of versions and write locks, shared by the text-storing backends. */
class TagVersionsTest {
  private static final long NOW = 1_800_000_000_000L;

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static TagVersions.Lock lock(byte[] text) {
    TagVersions.Lock l = TagVersions.Lock.parse(text);
    assertThat(l).as(new String(text, StandardCharsets.US_ASCII)).isNotNull();
    return l;
  }

  @Test
  void aLock_readsAsLockedUntilItsDeadline_thenAsItsVersion() {
    long future = System.currentTimeMillis() + 60_000;
    assertThat(TagVersions.parse(text("L1:" + future + ":42"))).isEqualTo(BackendRead.LOCKED);
    assertThat(TagVersions.parse(text("L3:1000:42"))).isEqualTo(42);
    assertThat(TagVersions.parse(text("1234"))).isEqualTo(1234);
  }

  @Test
  void malformedLocks_andOverflowingNumbers_readAsAbsent() {
    for (String s :
        new String[] {
          "L",
          "L1:2",
          "L1:2:",
          "L:2:3",
          "L0:2:3",
          "L1:2:0",
          "L1:2:3:4",
          "Lx:2:3",
          "L1:2:3 ",
          "L1:2:99999999999999999999",
          "L1:2:9999999999999999999",
          "l1:2:3"
        }) {
      assertThat(TagVersions.parse(text(s))).as(s).isEqualTo(BackendRead.ABSENT);
    }
    assertThat(TagVersions.parse(text("L1:2:" + Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void locking_countsWriters_keepsTheLaterDeadline_andAlwaysChangesTheVersion() {
    TagVersions.Lock first = lock(TagVersions.locked(text("77"), NOW + 1000, NOW));
    assertThat(first.count()).isEqualTo(1);
    assertThat(first.deadlineMillis()).isEqualTo(NOW + 1000);
    assertThat(first.version()).isNotEqualTo(77);

    TagVersions.Lock second = lock(TagVersions.locked(TagVersions.lockText(first), NOW + 500, NOW));
    assertThat(second.count()).isEqualTo(2);
    assertThat(second.deadlineMillis()).isEqualTo(NOW + 1000);
    assertThat(second.version()).isNotEqualTo(first.version());

    TagVersions.Lock afterExpiry =
        lock(TagVersions.locked(TagVersions.lockText(second), NOW + 5000, NOW + 2000));
    assertThat(afterExpiry.count()).as("an expired lock counts for nothing").isEqualTo(1);
    assertThat(afterExpiry.deadlineMillis()).isEqualTo(NOW + 5000);

    assertThat(lock(TagVersions.locked(null, NOW + 1, NOW)).count()).isEqualTo(1);
  }

  @Test
  void unlocking_releasesOneWriter_andEndsInAFreshPlainVersion() {
    byte[] twice = TagVersions.lockText(new TagVersions.Lock(2, NOW + 1000, 5));
    TagVersions.Lock once = lock(TagVersions.unlocked(twice, NOW));
    assertThat(once.count()).isEqualTo(1);
    assertThat(once.version()).isNotEqualTo(5);
    byte[] free = TagVersions.unlocked(TagVersions.lockText(once), NOW);
    assertThat(TagVersions.parse(free)).isPositive();
    assertThat(free[0]).isNotEqualTo(TagVersions.LOCK_MARK);
    assertThat(TagVersions.unlocked(twice, NOW + 2000)[0])
        .as("an expired lock is released whole")
        .isNotEqualTo(TagVersions.LOCK_MARK);
    assertThat(TagVersions.parse(TagVersions.unlocked(null, NOW))).isPositive();
  }

  @Test
  void aBump_keepsALocksWritersAndDeadline_andReplacesAnythingElse() {
    byte[] held = TagVersions.lockText(new TagVersions.Lock(2, NOW + 1000, 5));
    TagVersions.Lock bumped = lock(TagVersions.bumped(held));
    assertThat(bumped.count()).isEqualTo(2);
    assertThat(bumped.deadlineMillis()).isEqualTo(NOW + 1000);
    assertThat(bumped.version()).isNotEqualTo(5);
    assertThat(TagVersions.parse(TagVersions.bumped(text("planted")))).isPositive();
  }
}
