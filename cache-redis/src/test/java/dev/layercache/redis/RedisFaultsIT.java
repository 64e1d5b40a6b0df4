package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** Real faults on a real server of the test's own: a frozen process, a killed one, foreign data. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFaultsIT {
  private static final long READ_TIMEOUT_MILLIS = 100;
  private static final long LOADER_MILLIS = 20;
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  private ServerProcess server;
  private LayerCache cache;

  @BeforeEach
  void start() {
    server = TestServers.startRedis();
    cache =
        LayerCache.builder()
            .namespace("faults")
            .backend(
                RedisBackend.builder()
                    .standalone(server.host(), server.port())
                    .connectTimeout(Duration.ofMillis(READ_TIMEOUT_MILLIS))
                    .readTimeout(Duration.ofMillis(READ_TIMEOUT_MILLIS))
                    .build())
            .circuitOpenDuration(Duration.ofMillis(300))
            .build();
  }

  @AfterEach
  void stop() {
    cache.close();
    server.close();
  }

  @Test
  void get_whileServerPaused_returnsLoaderValueWithinTimeout_andBreakerOpens() throws Exception {
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "cached")).isEqualTo("cached");
    server.pause();
    try {
      boolean opened = false;
      long slowest = 0;
      for (int i = 0; i < 30; i++) {
        long start = System.nanoTime();
        String v =
            cache.get(
                key,
                String.class,
                POLICY,
                () -> {
                  Thread.sleep(LOADER_MILLIS);
                  return "loaded";
                });
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        slowest = Math.max(slowest, took);
        assertThat(v).isEqualTo("loaded");
        opened |= "OPEN".equals(breakerState(cache));
      }
      // A paused server answers nothing: each call waits at most for the read timeout, then loads.
      // The slack covers scheduling on a shared test machine, not a second timeout.
      assertThat(slowest).isLessThan(READ_TIMEOUT_MILLIS + LOADER_MILLIS + 150);
      assertThat(opened).as("circuit breaker opened").isTrue();
    } finally {
      server.resume();
    }
    assertThat(awaitWorking(key, "after-resume")).isTrue();
    assertThat(breakerState(cache)).isIn("CLOSED", "HALF_OPEN");
  }

  @Test
  void backend_afterKillAndRestartOnSamePort_reconnects() throws Exception {
    CacheKey key = CacheKey.of("article", 2);
    cache.put(key, "before", POLICY);
    assertThat(cache.get(key, String.class)).isEqualTo("before");
    server.kill();
    for (int i = 0; i < 5; i++) {
      assertThat(cache.get(key, String.class, POLICY, () -> "db")).isEqualTo("db");
    }
    server.restart();
    assertThat(awaitWorking(key, "after-restart")).as("works again without a new backend").isTrue();
  }

  @Test
  void foreignValues_areMissesAndDeleted() {
    String json =
        "{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}";
    byte[] wrongFormat =
        ByteBuffer.allocate(40).put((byte) 'L').put((byte) 'C').put((byte) 9).array();
    List<byte[]> planted = new ArrayList<>();
    planted.add(RedisContractTest.randomBytes());
    planted.add(wrongFormat);
    planted.add(json.getBytes(StandardCharsets.UTF_8));
    planted.add(new byte[0]);
    try (Jedis other = new Jedis(server.host(), server.port())) {
      for (int i = 0; i < planted.size(); i++) {
        CacheKey key = CacheKey.of("article", 100 + i);
        byte[] entryKey = key.entryKey(cache.namespace()).getBytes(StandardCharsets.UTF_8);
        other.set(entryKey, planted.get(i));
        assertThat(cache.get(key, String.class)).as("planted value %d", i).isNull();
        assertThat(other.exists(entryKey)).as("planted value %d deleted", i).isFalse();
        assertThat(cache.get(key, String.class, POLICY, () -> "loaded")).isEqualTo("loaded");
        assertThat(cache.get(key, String.class)).isEqualTo("loaded");
      }
    }
  }

  @Test
  void foreignTagVersion_isReplacedByFreshVersion_andBumpsStillInvalidate() {
    CacheKey key = CacheKey.of("article", 3);
    String tagKey = POLICY.tagKeys(cache.namespace()).get(0);
    try (Jedis other = new Jedis(server.host(), server.port())) {
      other.set(tagKey, "not-a-version");
      assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
      assertThat(cache.get(key, String.class, POLICY, () -> "again")).isEqualTo("v1");
      other.del(tagKey);
      other.hset(tagKey, "field", "a hash where a counter should be");
      cache.invalidateTags("articles");
      assertThat(cache.get(key, String.class, POLICY, () -> "v2")).isEqualTo("v2");
      assertThat(other.get(tagKey)).matches("[0-9]+");
    }
  }

  /** Retries a put and a get until both work, for up to five seconds. */
  private boolean awaitWorking(CacheKey key, String value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      cache.put(key, value, POLICY);
      if (value.equals(cache.get(key, String.class))) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** The engine's breaker state; read reflectively because the engine is not exported. */
  static String breakerState(LayerCache cache) {
    try {
      return (String) cache.getClass().getMethod("circuitBreakerState").invoke(cache);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the cache exposes no circuitBreakerState()", e);
    }
  }
}
