package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Memory limits. Under {@code maxmemory 2mb} with {@code allkeys-lru}, Redis evicts entries and tag
 * versions alike: a tag version evicted and re-created must never make an older entry valid again.
 * Under {@code noeviction} a full server refuses every write, even one that would change nothing.
 */
class RedisEvictionIT {
  private static final Duration RUN =
      Duration.ofSeconds(Long.getLong("layercache.soak.seconds", 8));

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void writeHeavyLoad_underAllKeysLru_neverReadsStale() throws Exception {
    try (ServerProcess server =
            TestServers.startRedis("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru");
        Jedis admin = new Jedis(server.host(), server.port());
        LayerCache cache = cache(server, "lru")) {
      ReadWriteLoop.Result r = ReadWriteLoop.run(cache, 2000, 1500, 2, 4, RUN, () -> {});
      long evicted = stat(admin.info("stats"), "evicted_keys");
      assertThat(evicted).as("keys evicted (the test needs memory pressure)").isGreaterThan(1000);
      assertThat(r.reads()).isGreaterThan(1000);
      assertThat(r.stale()).as("stale reads among %s, %d evictions", r, evicted).isZero();
      assertThat(r.callerExceptions()).isZero();
    }
  }

  /**
   * A full server under {@code noeviction} refuses the {@code SET ... NX GET} a read sends for a
   * version it has not read lately: the read then takes those versions with {@code MGET}, so stored
   * entries are still served, new values reach the caller without being stored, and an invalidation
   * that cannot be written makes its tag bypass the cache until it is delivered.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void full_underNoEviction_servesStoredEntries_andNeverStale() throws Exception {
    try (ServerProcess server =
            TestServers.startRedis("--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
        Jedis admin = new Jedis(server.host(), server.port());
        LayerCache cache = cache(server, "oom")) {
      CachePolicy policy =
          CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();
      CacheKey stored = CacheKey.of("article", 1);
      assertThat(cache.get(stored, String.class, policy, () -> "v1")).isEqualTo("v1");

      // Coarse, then fine: a refused command's own request buffer counts while it is checked, so
      // filling with large values alone leaves room for small writes. After the finest step, any
      // write larger than a one-byte SET (every write of the cache) is refused.
      int filled = 0;
      for (int size : new int[] {16 * 1024, 1024, 64, 1}) {
        byte[] junk = new byte[size];
        try {
          while (filled < 100_000) {
            admin.set(("junk:" + filled).getBytes(java.nio.charset.StandardCharsets.UTF_8), junk);
            filled++;
          }
        } catch (JedisDataException e) {
          assertThat(e.getMessage()).startsWith("OOM");
        }
      }
      assertThatThrownBy(() -> admin.set("probe", "x".repeat(256)))
          .as("the server refuses writes once full")
          .hasMessageStartingWith("OOM");

      assertThat(cache.get(stored, String.class, policy, () -> "v2"))
          .as("a stored entry is still a hit")
          .isEqualTo("v1");
      // Another application server, whose backend has read no version yet, sends SET NX GET.
      try (LayerCache other = cache(server, "oom")) {
        assertThat(other.get(stored, String.class, policy, () -> "v2"))
            .as("a stored entry is still a hit where the read's SET NX GET is refused")
            .isEqualTo("v1");
      }
      AtomicInteger loads = new AtomicInteger();
      CacheKey fresh = CacheKey.of("article", 2);
      assertThat(cache.get(fresh, String.class, policy, () -> "n" + loads.incrementAndGet()))
          .isEqualTo("n1");
      assertThat(cache.get(fresh, String.class, policy, () -> "n" + loads.incrementAndGet()))
          .as("nothing could be stored")
          .isEqualTo("n2");

      cache.invalidateTags("articles");
      assertThat(cache.get(stored, String.class, policy, () -> "v3"))
          .as("an invalidation that could not be written bypasses the cache")
          .isEqualTo("v3");

      for (int i = 0; i < filled; i++) {
        admin.del("junk:" + i);
      }
      // Once there is room the retried bump lands and values are cached again; the old value is
      // never served on the way.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean cachedAgain = false;
      for (int round = 0; !cachedAgain && System.nanoTime() < deadline; round++) {
        String loaded = "w" + round;
        String first = cache.get(stored, String.class, policy, () -> loaded);
        String second = cache.get(stored, String.class, policy, () -> "not cached");
        assertThat(first).isNotEqualTo("v1");
        assertThat(second).isNotEqualTo("v1");
        cachedAgain = second.equals(first);
        Thread.sleep(20);
      }
      assertThat(cachedAgain).as("values are cached again once the server has room").isTrue();
    }
  }

  private static LayerCache cache(ServerProcess server, String namespace) {
    return LayerCache.builder()
        .namespace(namespace)
        .backend(RedisBackend.builder().standalone(server.host(), server.port()).build())
        .build();
  }

  static long stat(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in INFO");
  }
}
