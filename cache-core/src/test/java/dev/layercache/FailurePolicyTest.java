package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.internal.CacheEngine;
import dev.layercache.local.LocalBackend;
import dev.layercache.metrics.MicrometerCacheMetrics;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.StoredEntry;
import dev.layercache.testsupport.Waiting;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure policy: a backend that throws or is slow never takes the application down; the
 * circuit breaker opens and closes; undelivered invalidations make entries bypass the cache.
 */
class FailurePolicyTest {

  /** A remote-like backend whose operations fail or stall on demand, counting calls. */
  static final class FaultyBackend extends ForwardingBackend {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicBoolean failBumps = new AtomicBoolean();
    final AtomicLong delayMillis = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();

    FaultyBackend() {
      super(LocalBackend.builder().build(), false);
    }

    private void maybeFail() {
      calls.incrementAndGet();
      long d = delayMillis.get();
      if (d > 0) {
        try {
          Thread.sleep(d);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failing.get()) {
        throw new IllegalStateException("backend down");
      }
    }

    @Override
    public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
      maybeFail();
      return super.read(entryKey, keyTagKey, tagKeys);
    }

    @Override
    public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
      maybeFail();
      return super.tagVersions(tagKeys, createAbsent);
    }

    @Override
    public void write(String entryKey, StoredEntry entry, long ttlMillis) {
      maybeFail();
      super.write(entryKey, entry, ttlMillis);
    }

    @Override
    public void bumpTags(List<String> tagKeys) {
      maybeFail();
      if (failBumps.get()) {
        throw new IllegalStateException("bump lost");
      }
      super.bumpTags(tagKeys);
    }

    @Override
    public void evict(String entryKey, String keyTagKey) {
      maybeFail();
      if (failBumps.get()) {
        throw new IllegalStateException("evict lost");
      }
      super.evict(entryKey, keyTagKey);
    }
  }

  /** An open breaker stays open for the whole test, whatever the machine's speed. */
  private static final Duration LONG_OPEN = Duration.ofMinutes(10);

  /** No call of the in-memory backend is this slow, however busy the machine. */
  private static final Duration NEVER_SLOW = Duration.ofSeconds(30);

  private final List<LayerCache> caches = new ArrayList<>();
  private final FaultyBackend backend = new FaultyBackend();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LayerCache cache = cache(backend, LONG_OPEN, NEVER_SLOW);
  private final CachePolicy policy = CachePolicy.builder().tags("t").build();

  private LayerCache cache(FaultyBackend over, Duration openDuration, Duration slowCall) {
    LayerCache c =
        LayerCache.builder()
            .namespace("faults")
            .backend(over)
            .metrics(ns -> MicrometerCacheMetrics.of(registry, ns))
            .circuitOpenDuration(openDuration)
            .slowCallThreshold(slowCall)
            .logInterval(Duration.ofMillis(50))
            .build();
    caches.add(c);
    return c;
  }

  @AfterEach
  void close() {
    caches.forEach(LayerCache::close);
  }

  /** Fails reads until the breaker opens; an open breaker stays open until it is asked again. */
  private static void openBreaker(LayerCache c, FaultyBackend over, CachePolicy policy) {
    over.failing.set(true);
    for (int i = 0; i < 20 && !((CacheEngine) c).circuitBreakerState().equals("OPEN"); i++) {
      c.get(CacheKey.of("b", i), String.class, policy, () -> "v");
    }
    assertThat(((CacheEngine) c).circuitBreakerState()).isEqualTo("OPEN");
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void failingBackend_readsAreMisses_andCallerGetsLoaderValue() {
    backend.failing.set(true);
    for (int i = 0; i < 3; i++) {
      assertThat(cache.get(CacheKey.of("a", 1), String.class, policy, () -> "fresh"))
          .isEqualTo("fresh");
    }
    assertThat(count("cache.gets", "cache", "a", "result", "error")).isEqualTo(3);
    assertThat(registry.find("cache.backend.errors").counter().count()).isGreaterThan(0);
    assertThat(cache.get(CacheKey.of("a", 1), String.class)).isNull();
  }

  @Test
  void failingBackend_loaderExceptionStillReachesCaller() {
    backend.failing.set(true);
    IllegalArgumentException boom = new IllegalArgumentException("bad row");
    assertThatThrownBy(
            () ->
                cache.get(
                    CacheKey.of("a", 2),
                    String.class,
                    policy,
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
  }

  @Test
  void circuitBreaker_opensAndStopsCalling() {
    CacheEngine engine = (CacheEngine) cache;
    backend.failing.set(true);
    for (int i = 0; i < 20; i++) {
      cache.get(CacheKey.of("b", i), String.class, policy, () -> "v");
    }
    assertThat(engine.circuitBreakerState()).isEqualTo("OPEN");
    int before = backend.calls.get();
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get(CacheKey.of("b", i), String.class, policy, () -> "v")).isEqualTo("v");
    }
    assertThat(backend.calls.get())
        .as("an open breaker does not call the backend")
        .isEqualTo(before);
    assertThat(engine.circuitBreakerState()).isEqualTo("OPEN");
  }

  @Test
  void circuitBreaker_afterItsOpenDuration_probesAndRecovers() throws Exception {
    Duration open = Duration.ofMillis(100);
    FaultyBackend recovering = new FaultyBackend();
    LayerCache c = cache(recovering, open, NEVER_SLOW);
    openBreaker(c, recovering, policy);
    recovering.failing.set(false);
    // Not a wait for an event: a sleep lasts at least this long, so the open duration is over.
    Thread.sleep(open.toMillis() + 50);
    for (int i = 0; i < 10; i++) {
      c.get(CacheKey.of("b", i), String.class, policy, () -> "v");
    }
    assertThat(((CacheEngine) c).circuitBreakerState()).isEqualTo("CLOSED");
    assertThat(c.get(CacheKey.of("b", 9), String.class)).isEqualTo("v");
  }

  @Test
  void openBreaker_stillDeliversInvalidations() {
    backend.failing.set(true);
    for (int i = 0; i < 20; i++) {
      cache.get(CacheKey.of("e", i), String.class, policy, () -> "v");
    }
    assertThat(((CacheEngine) cache).circuitBreakerState()).isEqualTo("OPEN");
    backend.failing.set(false);
    int before = backend.calls.get();
    cache.invalidateTags("t");
    assertThat(backend.calls.get()).as("the bump was attempted").isEqualTo(before + 1);
    assertThat(((CacheEngine) cache).hasPendingInvalidations()).isFalse();
  }

  @Test
  void slowBackend_countsAsFailureForTheBreaker() {
    // Every call sleeps past the threshold (a sleep is never shorter than asked), so every call
    // is slow; no fast call can be taken for a slow one, since all of them are slow.
    FaultyBackend slow = new FaultyBackend();
    LayerCache c = cache(slow, LONG_OPEN, Duration.ofMillis(40));
    slow.delayMillis.set(60);
    for (int i = 0; i < 12; i++) {
      c.get(CacheKey.of("slow", i), String.class, policy, () -> "v");
    }
    assertThat(((CacheEngine) c).circuitBreakerState()).isEqualTo("OPEN");
  }

  @Test
  void undeliveredInvalidation_bypassesUntilRetried() throws Exception {
    CacheKey key = CacheKey.of("c", 1);
    cache.put(key, "old", policy);
    backend.failBumps.set(true);
    cache.invalidateTags("t");
    assertThat(((CacheEngine) cache).hasPendingInvalidations()).isTrue();
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.get(key, String.class, policy, () -> "new" + loads.incrementAndGet()))
        .as("the old entry is not served while its invalidation is pending")
        .isEqualTo("new1");
    assertThat(cache.get(key, String.class, policy, () -> "new" + loads.incrementAndGet()))
        .as("and nothing is filled either")
        .isEqualTo("new2");
    backend.failBumps.set(false);
    // The retry runs in the background within a second; the deadline only catches a hang.
    Waiting.until(
        "the invalidation is delivered", () -> !((CacheEngine) cache).hasPendingInvalidations());
    assertThat(cache.get(key, String.class)).as("old entry is invalid after delivery").isNull();
    assertThat(cache.get(key, String.class, policy, () -> "after")).isEqualTo("after");
    assertThat(cache.get(key, String.class)).isEqualTo("after");
  }

  @Test
  void undeliveredEviction_bypassesTheKey() {
    CacheKey key = CacheKey.of("d", 1);
    cache.put(key, "old", policy);
    backend.failBumps.set(true);
    cache.evict(key);
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  void unserializableValue_putFails_readThroughSkipsStore() {
    Object noProperties = new Object() {};
    assertThatThrownBy(() -> cache.put(CacheKey.of("u", 1), noProperties, policy))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("cannot encode");
    AtomicInteger loads = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      cache.get(
          CacheKey.of("u", 2),
          Object.class,
          policy,
          () -> {
            loads.incrementAndGet();
            return noProperties;
          });
    }
    assertThat(loads).hasValue(2);
    assertThat(count("cache.puts", "cache", "u", "result", "rejected")).isEqualTo(2);
  }

  /** Encodes fine, but has no creator Jackson can use to rebuild it. */
  public static final class NoCreator {
    private final int value;

    public NoCreator(int value, String unused) {
      this.value = value + unused.length();
    }

    public int getValue() {
      return value;
    }
  }

  @Test
  void typeThatCannotBeDecoded_isRejectedAtFirstStore() {
    assertThatThrownBy(() -> cache.put(CacheKey.of("nc", 1), new NoCreator(1, ""), policy))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("cannot decode");
  }

  @Test
  void metrics_countHitsMissesPutsEvictionsAndBumps() {
    CacheKey key = CacheKey.of("m", 1);
    cache.get(key, String.class, policy, () -> "v");
    cache.get(key, String.class, policy, () -> "v");
    cache.evict(key);
    cache.invalidateTags("t", "u");
    assertThat(count("cache.gets", "cache", "m", "result", "miss")).isEqualTo(1);
    assertThat(count("cache.gets", "cache", "m", "result", "hit")).isEqualTo(1);
    assertThat(count("cache.puts", "cache", "m", "result", "stored")).isEqualTo(1);
    assertThat(count("cache.loads", "cache", "m", "result", "success")).isEqualTo(1);
    assertThat(count("cache.evictions", "cache", "m")).isEqualTo(1);
    assertThat(count("cache.tag.bumps")).isEqualTo(2);
    assertThat(registry.find("cache.backend.latency").tags("operation", "read").timer().count())
        .isGreaterThan(0);
    assertThat(registry.find("cache.load.duration").tags("cache", "m").timer().count())
        .isEqualTo(1);
  }

  @Test
  void throwingMetrics_neverBreakACacheCall() {
    try (LayerCache c =
        LayerCache.builder()
            .namespace("m2")
            .backend(LocalBackend.builder().build())
            .metrics(
                ns ->
                    new dev.layercache.metrics.CacheMetrics() {
                      @Override
                      public void get(String cache, GetResult result) {
                        throw new IllegalStateException("metrics broken");
                      }
                    })
            .build()) {
      assertThat(c.get(CacheKey.of("x", 1), String.class, policy, () -> "ok")).isEqualTo("ok");
    }
  }
}
