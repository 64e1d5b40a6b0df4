package dev.layercache.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StaleReadCheckerTest {

  @Test
  void check_answerOlderThanRecordedVersion_isStale() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("article:1", 5L));
    long ticket = checker.begin();
    assertThat(checker.check(ticket, Map.of("article:1", 4L), "article-page")).isEqualTo(1);
    assertThat(checker.staleReads()).isEqualTo(1);
    assertThat(checker.examples()).singleElement().asString().contains("article:1", "4", "5");
  }

  @Test
  void check_answerAtOrAboveRecordedVersion_isFresh() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("article:1", 5L));
    long ticket = checker.begin();
    assertThat(checker.check(ticket, Map.of("article:1", 5L), "a")).isZero();
    assertThat(checker.check(ticket, Map.of("article:1", 6L), "a")).isZero();
    assertThat(checker.staleReads()).isZero();
    assertThat(checker.checkedVersions()).isEqualTo(2);
  }

  @Test
  void check_writeRecordedAfterTicket_isNotRequired() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("profile:3", 2L));
    long ticket = checker.begin();
    checker.recordCommitted(Map.of("profile:3", 3L));
    assertThat(checker.check(ticket, Map.of("profile:3", 2L), "user-card")).isZero();
    assertThat(checker.check(checker.begin(), Map.of("profile:3", 2L), "user-card")).isEqualTo(1);
  }

  @Test
  void check_concurrentWritersRecordingOutOfOrder_requiresTheNewest() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("stats:1", 7L));
    checker.recordCommitted(Map.of("stats:1", 6L));
    assertThat(checker.check(checker.begin(), Map.of("stats:1", 6L), "author-stats")).isEqualTo(1);
  }

  @Test
  void check_everyEntityOfAnAnswerIsChecked() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("activity:1", 3L, "activity:2", 9L));
    long ticket = checker.begin();
    int stale =
        checker.check(
            ticket, Map.of("activity:1", 3L, "activity:2", 8L, "friends:1", 1L), "activity");
    assertThat(stale).isEqualTo(1);
  }

  @Test
  void check_historyOverflownAfterTicket_isCountedAsUnchecked() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.recordCommitted(Map.of("article:9", 1L));
    long ticket = checker.begin();
    for (long v = 2; v < 2 + StaleReadChecker.HISTORY; v++) {
      checker.recordCommitted(Map.of("article:9", v));
    }
    assertThat(checker.check(ticket, Map.of("article:9", 0L), "a")).isZero();
    assertThat(checker.uncheckedVersions()).isEqualTo(1);
  }
}
