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
      // The run lasts until the server has evicted enough keys, however slow the machine is.
      ReadWriteLoop.Result r =
          ReadWriteLoop.run(
              cache,
              2000,
              1500,
              2,
              4,
              RUN,
              () -> {},
              sofar -> sofar.reads() > 1000 && stat(admin.info("stats"), "evicted_keys") > 1000);
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
   *
   * <p>The server is made full by a {@code maxmemory} far below what it already uses, so that every
   * write is refused whatever else moves in its memory accounting meanwhile (client buffers, lazy
   * freeing), and the test checks with the server that the cache's writes were refused.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void full_underNoEviction_servesStoredEntries_andNeverStale() throws Exception {
    try (ServerProcess server = TestServers.startRedis("--maxmemory-policy", "noeviction");
        Jedis admin = new Jedis(server.host(), server.port());
        LayerCache cache = cache(server, "oom")) {
      CachePolicy policy =
          CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();
      CacheKey stored = CacheKey.of("article", 1);
      assertThat(cache.get(stored, String.class, policy, () -> "v1")).isEqualTo("v1");

      assertThat(admin.configSet("maxmemory", "1")).isEqualTo("OK");
      assertThatThrownBy(() -> admin.set("probe", "x"))
          .as("the server refuses writes once full")
          .hasMessageStartingWith("OOM");
      long keysWhenFull = admin.dbSize();

      assertThat(cache.get(stored, String.class, policy, () -> "v2"))
          .as("a stored entry is still a hit")
          .isEqualTo("v1");
      // Another application server, whose backend has read no version yet, sends SET NX GET.
      long refusedBefore = oomRefusals(admin);
      try (LayerCache other = cache(server, "oom")) {
        assertThat(other.get(stored, String.class, policy, () -> "v2"))
            .as("a stored entry is still a hit where the read's SET NX GET is refused")
            .isEqualTo("v1");
      }
      assertThat(oomRefusals(admin))
          .as("the other server's SET NX GET was refused")
          .isGreaterThan(refusedBefore);

      AtomicInteger loads = new AtomicInteger();
      CacheKey fresh = CacheKey.of("article", 2);
      refusedBefore = oomRefusals(admin);
      assertThat(cache.get(fresh, String.class, policy, () -> "n" + loads.incrementAndGet()))
          .isEqualTo("n1");
      assertThat(oomRefusals(admin)).as("the fill was refused").isGreaterThan(refusedBefore);
      assertThat(cache.get(fresh, String.class, policy, () -> "n" + loads.incrementAndGet()))
          .as("nothing could be stored")
          .isEqualTo("n2");
      assertThat(admin.dbSize()).as("keys stored while full").isEqualTo(keysWhenFull);

      refusedBefore = oomRefusals(admin);
      cache.invalidateTags("articles");
      assertThat(oomRefusals(admin)).as("the bump was refused").isGreaterThan(refusedBefore);
      assertThat(cache.get(stored, String.class, policy, () -> "v3"))
          .as("an invalidation that could not be written bypasses the cache")
          .isEqualTo("v3");

      assertThat(admin.configSet("maxmemory", "0")).isEqualTo("OK");
      // Once there is room the retried bump lands (retries run every 500 ms) and values are cached
      // again; the old value is never served on the way.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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

  /** How many commands the server has refused for lack of memory ({@code INFO errorstats}). */
  private static long oomRefusals(Jedis admin) {
    for (String line : admin.info("errorstats").split("\r?\n")) {
      if (line.startsWith("errorstat_OOM:count=")) {
        return Long.parseLong(line.substring("errorstat_OOM:count=".length()).split(",")[0].trim());
      }
    }
    return 0;
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
