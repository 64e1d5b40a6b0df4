package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.local.LocalBackend;
import dev.layercache.spring.internal.TransactionalInvalidation;
import dev.layercache.spring.internal.TransactionalInvalidation.Timing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a transaction's end does to the cache when the outcome is not a plain commit or rollback,
 * when two transactions end in the other order than they committed, and when a write's result
 * cannot be read: each case driven by hand through Spring's synchronization callbacks, so the order
 * of the ends is chosen by the test.
 */
class TransactionOutcomeTest {
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).build();

  private final LayerCache cache =
      LayerCache.builder().namespace("outcome").backend(LocalBackend.builder().build()).build();
  private final TransactionalInvalidation invalidation =
      new TransactionalInvalidation(cache, Duration.ofMinutes(5), Timing.FULL);

  @AfterEach
  void close() {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.clearSynchronization();
    }
    cache.close();
  }

  /** Opens a transaction's synchronization scope, runs {@code work}, returns its callbacks. */
  private static List<TransactionSynchronization> transaction(Runnable work) {
    TransactionSynchronizationManager.initSynchronization();
    try {
      work.run();
      return TransactionSynchronizationManager.getSynchronizations();
    } finally {
      TransactionSynchronizationManager.clearSynchronization();
    }
  }

  private static void end(List<TransactionSynchronization> callbacks, int status) {
    for (TransactionSynchronization s : callbacks) {
      s.afterCompletion(status);
    }
  }

  @Test
  void unknownOutcome_invalidates_storesNothing_andKeepsTheLock() {
    CacheKey put = CacheKey.of("put", 1);
    CacheKey fill = CacheKey.of("fill", 1);
    cache.put(put, "before", POLICY);
    List<TransactionSynchronization> callbacks =
        transaction(
            () -> {
              invalidation.put("put", put, () -> cache.put(put, "written", POLICY));
              invalidation.afterCommit("fill", () -> cache.put(fill, "computed", POLICY));
            });
    end(callbacks, TransactionSynchronization.STATUS_UNKNOWN);

    assertThat(cache.get(put, String.class)).as("the old value is gone").isNull();
    assertThat(cache.get(fill, String.class)).as("nothing computed inside is stored").isNull();
    AtomicInteger loads = new AtomicInteger();
    cache.get(put, String.class, POLICY, () -> "reloaded" + loads.incrementAndGet());
    assertThat(cache.get(put, String.class, POLICY, () -> "reloaded" + loads.incrementAndGet()))
        .as("still locked: read from the source, not stored, until the lock's deadline")
        .isEqualTo("reloaded2");
  }

  @Test
  void twoPutsOfOneKey_endingInTheOtherOrder_neverLeaveTheOlderValue() {
    CacheKey k = CacheKey.of("user", 7);
    List<TransactionSynchronization> first =
        transaction(() -> invalidation.put("put v1", k, () -> cache.put(k, "v1", POLICY)));
    List<TransactionSynchronization> second =
        transaction(() -> invalidation.put("put v2", k, () -> cache.put(k, "v2", POLICY)));
    // The database committed the first, then the second; their callbacks run the other way.
    end(second, TransactionSynchronization.STATUS_COMMITTED);
    end(first, TransactionSynchronization.STATUS_COMMITTED);

    assertThat(cache.get(k, String.class))
        .as("the key is evicted, not left holding v1 while the database holds v2")
        .isNull();
    assertThat(cache.get(k, String.class, POLICY, () -> "v2 from the database"))
        .isEqualTo("v2 from the database");
    assertThat(cache.get(k, String.class)).isEqualTo("v2 from the database");
  }

  @Test
  void aWriteWhoseResultTagsFail_releasesItsLocks() {
    CacheKey k = CacheKey.of("article", 3);
    assertThatThrownBy(
            () ->
                invalidation.around(
                    "write",
                    List.of(k),
                    List.of("articles"),
                    result -> {
                      throw new IllegalStateException("tags of the result");
                    },
                    () -> "done"))
        .hasMessageContaining("tags of the result");
    AtomicInteger loads = new AtomicInteger();
    cache.get(k, String.class, POLICY, () -> "a" + loads.incrementAndGet());
    assertThat(cache.get(k, String.class, POLICY, () -> "a" + loads.incrementAndGet()))
        .as("not locked: the first read's value was stored")
        .isEqualTo("a1");
  }

  @Test
  void syncCacheable_insideATransactionThatRollsBack_storesNothing() {
    LayerCacheManager manager =
        LayerCacheManager.builder(cache).valueType("titles", String.class).build();
    Cache titles = manager.getCache("titles");
    List<TransactionSynchronization> callbacks =
        transaction(
            () -> assertThat(titles.get(1L, () -> "computed inside")).isEqualTo("computed inside"));
    end(callbacks, TransactionSynchronization.STATUS_ROLLED_BACK);
    assertThat(titles.get(1L)).as("rolled back: not cached").isNull();

    List<TransactionSynchronization> committed =
        transaction(() -> assertThat(titles.get(2L, () -> "committed")).isEqualTo("committed"));
    assertThat(titles.get(2L)).as("not stored before the commit").isNull();
    end(committed, TransactionSynchronization.STATUS_COMMITTED);
    assertThat(titles.get(2L).get()).isEqualTo("committed");
  }
}
