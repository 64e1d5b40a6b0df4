package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Under {@code maxmemory 2mb} with {@code allkeys-lru}, Redis evicts entries and tag versions
 * alike. A tag version evicted and re-created must never make an older entry valid again.
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
        LayerCache cache =
            LayerCache.builder()
                .namespace("lru")
                .backend(RedisBackend.builder().standalone(server.host(), server.port()).build())
                .build()) {
      ReadWriteLoop.Result r = ReadWriteLoop.run(cache, 2000, 1500, 2, 4, RUN, () -> {});
      long evicted = stat(admin.info("stats"), "evicted_keys");
      assertThat(evicted).as("keys evicted (the test needs memory pressure)").isGreaterThan(1000);
      assertThat(r.reads()).isGreaterThan(1000);
      assertThat(r.stale()).as("stale reads among %s, %d evictions", r, evicted).isZero();
      assertThat(r.callerExceptions()).isZero();
    }
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
