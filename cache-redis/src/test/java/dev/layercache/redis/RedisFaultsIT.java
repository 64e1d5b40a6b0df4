package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** Real faults on a real server of the test's own: a frozen process, a killed one, foreign data. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFaultsIT {
  /**
   * Timeouts where every call is expected to succeed: far above what a busy machine takes, since a
   * call that times out is a miss that would change what the test sees.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Timeouts while the server is frozen, where every call fails however long it waits. */
  private static final Duration FROZEN_TIMEOUT = Duration.ofMillis(100);

  /** How long retries wait for a restarted or resumed server: far above the time it needs. */
  private static final long RECOVERY_SECONDS = 30;

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  private ServerProcess server;
  private final List<LayerCache> caches = new ArrayList<>();
  private LayerCache cache;

  @BeforeEach
  void start() {
    server = TestServers.startRedis();
    cache = newCache(TIMEOUT, Duration.ofMillis(300), CacheMetrics.NOOP);
  }

  @AfterEach
  void stop() {
    caches.forEach(LayerCache::close);
    server.close();
  }

  private LayerCache newCache(Duration timeout, Duration circuitOpen, CacheMetrics metrics) {
    LayerCache c =
        LayerCache.builder()
            .namespace("faults")
            .backend(
                RedisBackend.builder()
                    .standalone(server.host(), server.port())
                    .connectTimeout(timeout)
                    .readTimeout(timeout)
                    .build())
            .circuitOpenDuration(circuitOpen)
            .metrics(namespace -> metrics)
            .build();
    caches.add(c);
    return c;
  }

  /**
   * A paused server answers nothing. Each call reaches it at most once, with one read that its
   * timeout ends; the loader answers, and nothing is stored or retried, so the call costs one
   * timeout at most. Once the breaker opens, calls do not reach the server at all.
   */
  @Test
  void get_whileServerPaused_returnsLoaderValue_afterOneFailedReadAtMost_andBreakerOpens()
      throws Exception {
    BackendCalls calls = new BackendCalls();
    // Open for longer than the loop below takes, so that the skipped reads are seen.
    LayerCache frozen = newCache(FROZEN_TIMEOUT, Duration.ofSeconds(2), calls);
    CacheKey key = CacheKey.of("article", 1);
    assertThat(frozen.get(key, String.class, POLICY, () -> "cached")).isEqualTo("cached");
    server.pause();
    int skipped = 0;
    try {
      for (int i = 0; i < 30; i++) {
        calls.drain();
        assertThat(frozen.get(key, String.class, POLICY, () -> "loaded")).isEqualTo("loaded");
        List<BackendCall> made = calls.drain();
        assertThat(made).as("backend calls of get %d", i).hasSize(1);
        assertThat(made.get(0).operation()).as("get %d", i).isEqualTo("read");
        assertThat(made.get(0).success()).as("get %d's read succeeded", i).isFalse();
        if (made.get(0).nanos() == 0) {
          skipped++; // refused by the breaker without a call
        }
      }
      assertThat(skipped).as("reads the open circuit breaker kept from the server").isPositive();
    } finally {
      server.resume();
    }
    assertThat(awaitWorking(frozen, key, "after-resume")).isTrue();
    assertThat(awaitBreakerClosed(frozen)).as("the circuit breaker closes again").isTrue();
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
    assertThat(awaitWorking(cache, key, "after-restart"))
        .as("works again without a new backend")
        .isTrue();
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

  /** Retries a put and a get until both work, for up to {@value #RECOVERY_SECONDS} seconds. */
  private static boolean awaitWorking(LayerCache cache, CacheKey key, String value)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
    while (System.nanoTime() < deadline) {
      cache.put(key, value, POLICY);
      if (value.equals(cache.get(key, String.class))) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /**
   * Reads until the breaker is closed again, which takes the calls it lets through while half open,
   * for up to {@value #RECOVERY_SECONDS} seconds.
   */
  private static boolean awaitBreakerClosed(LayerCache cache) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
    while (System.nanoTime() < deadline) {
      cache.get(CacheKey.of("probe", 0), String.class);
      if ("CLOSED".equals(breakerState(cache))) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** One remote backend call as the cache reported it; {@code nanos} is 0 when it was refused. */
  record BackendCall(String operation, long nanos, boolean success) {}

  /** Records every remote backend call the cache reports. */
  static final class BackendCalls implements CacheMetrics {
    private final Queue<BackendCall> calls = new ConcurrentLinkedQueue<>();

    @Override
    public void backendCall(String backend, String operation, long nanos, boolean success) {
      calls.add(new BackendCall(operation, nanos, success));
    }

    /** Returns and forgets what was recorded so far. */
    List<BackendCall> drain() {
      List<BackendCall> taken = new ArrayList<>();
      for (BackendCall c; (c = calls.poll()) != null; ) {
        taken.add(c);
      }
      return taken;
    }
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
