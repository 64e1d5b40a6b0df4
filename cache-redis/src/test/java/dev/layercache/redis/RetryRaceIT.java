package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A read whose versions were fetched while an invalidation was still undelivered, and whose reply
 * is examined after a retry delivered it, must not serve the entry: the bump had been requested
 * (and {@code invalidateTags} had returned) before the read was sent. The race is staged with
 * latches around a real Redis server: the read's reply is held until the retry has landed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RetryRaceIT {

  /** Forwards to Redis; can refuse bumps, and hold one read's reply. */
  static final class Staged implements CacheBackend {
    final CacheBackend redis;
    final AtomicBoolean refuseBumps = new AtomicBoolean();
    volatile CountDownLatch readFetched = new CountDownLatch(0);
    volatile CountDownLatch releaseRead = new CountDownLatch(0);

    Staged(CacheBackend redis) {
      this.redis = redis;
    }

    void holdNextRead() {
      readFetched = new CountDownLatch(1);
      releaseRead = new CountDownLatch(1);
    }

    @Override
    public String name() {
      return "staged-redis";
    }

    @Override
    public long maxEntryBytes() {
      return redis.maxEntryBytes();
    }

    @Override
    public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
      BackendRead r = redis.read(entryKey, keyTagKey, tagKeys);
      CountDownLatch fetched = readFetched;
      CountDownLatch release = releaseRead;
      fetched.countDown();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new AssertionError("the held read was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return r;
    }

    @Override
    public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
      return redis.tagVersions(tagKeys, createAbsent);
    }

    @Override
    public void write(String entryKey, StoredEntry entry, long ttlMillis) {
      redis.write(entryKey, entry, ttlMillis);
    }

    @Override
    public void delete(String entryKey) {
      redis.delete(entryKey);
    }

    @Override
    public void bumpTags(List<String> tagKeys) {
      if (refuseBumps.get()) {
        throw new IllegalStateException("bump refused (staged outage)");
      }
      redis.bumpTags(tagKeys);
    }

    @Override
    public void lockTags(List<String> tagKeys, long deadlineMillis) {
      if (refuseBumps.get()) {
        throw new IllegalStateException("lock refused (staged outage)");
      }
      redis.lockTags(tagKeys, deadlineMillis);
    }

    @Override
    public void unlockTags(List<String> tagKeys) {
      if (refuseBumps.get()) {
        throw new IllegalStateException("unlock refused (staged outage)");
      }
      redis.unlockTags(tagKeys);
    }

    @Override
    public void close() {
      redis.close();
    }
  }

  @Test
  void readSentBeforeTheRetryDelivered_isNotServed() throws Exception {
    try (ServerProcess server = TestServers.startRedis()) {
      Staged staged =
          new Staged(RedisBackend.builder().standalone(server.host(), server.port()).build());
      try (LayerCache cache =
          LayerCache.builder()
              .namespace("retryrace")
              .backend(staged)
              // One refused bump must not open the breaker and skip the retry's call.
              .circuitBreaker(false)
              .build()) {
        CachePolicy policy =
            CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();
        CacheKey key = CacheKey.of("article", 1);
        cache.put(key, "old", policy);
        assertThat(cache.get(key, String.class)).isEqualTo("old");

        staged.refuseBumps.set(true);
        cache.invalidateTags("articles"); // undelivered: the retry will deliver it
        assertThat(cache.hasPendingInvalidations()).isTrue();

        staged.holdNextRead();
        CompletableFuture<String> reader =
            CompletableFuture.supplyAsync(() -> cache.get(key, String.class, policy, () -> "new"));
        assertThat(staged.readFetched.await(60, TimeUnit.SECONDS))
            .as("the read fetched the old versions")
            .isTrue();
        staged.refuseBumps.set(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cache.hasPendingInvalidations() && System.nanoTime() < deadline) {
          Thread.sleep(20); // the retry runs on its own schedule
        }
        assertThat(cache.hasPendingInvalidations()).as("the retry delivered the bump").isFalse();
        staged.releaseRead.countDown();
        assertThat(reader.get(60, TimeUnit.SECONDS))
            .as("the entry read before the bump landed is not served")
            .isEqualTo("new");
        // That read's versions were not a snapshot either: its value was not stored. The next one
        // is, and is served after.
        assertThat(cache.get(key, String.class, policy, () -> "newer")).isEqualTo("newer");
        assertThat(cache.get(key, String.class, policy, () -> "newest")).isEqualTo("newer");
      }
    }
  }
}
