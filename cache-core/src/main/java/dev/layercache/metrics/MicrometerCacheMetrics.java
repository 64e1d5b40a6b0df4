package dev.layercache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Publishes {@link CacheMetrics} events to Micrometer:
 *
 * <ul>
 *   <li>{@code cache.gets} (tags {@code cache}, {@code result}: hit, stale, miss, error)
 *   <li>{@code cache.loads} (tags {@code cache}, {@code result}: success, failure) and the timer
 *       {@code cache.load.duration}
 *   <li>{@code cache.puts} (tags {@code cache}, {@code result}: stored, rejected, error)
 *   <li>{@code cache.evictions}, {@code cache.stale.rejected} (tag {@code cache})
 *   <li>{@code cache.tag.bumps}
 *   <li>{@code cache.backend.latency} timer and {@code cache.backend.errors} (tags {@code backend},
 *       {@code operation})
 * </ul>
 *
 * All meters also carry the {@code namespace} tag. Meters are created once per cache name and
 * reused, so recording allocates nothing.
 */
public final class MicrometerCacheMetrics implements CacheMetrics {
  private final MeterRegistry registry;
  private final String namespace;
  private final ConcurrentMap<String, PerCache> caches = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ConcurrentMap<String, PerOperation>> operations =
      new ConcurrentHashMap<>();
  private final Counter tagBumps;

  private MicrometerCacheMetrics(MeterRegistry registry, String namespace) {
    this.registry = registry;
    this.namespace = namespace;
    this.tagBumps =
        Counter.builder("cache.tag.bumps")
            .description("Tag versions bumped")
            .tag("namespace", namespace)
            .register(registry);
  }

  /**
   * Creates metrics for one cache namespace.
   *
   * @param registry where to register meters
   * @param namespace the {@link dev.layercache.LayerCache} namespace, added as a tag
   * @return the metrics
   */
  // Micrometer is an optional module: applications that call this method have it themselves.
  @SuppressWarnings("exports")
  public static MicrometerCacheMetrics of(MeterRegistry registry, String namespace) {
    return new MicrometerCacheMetrics(registry, namespace);
  }

  @Override
  public void get(String cache, GetResult result) {
    perCache(cache).gets[result.ordinal()].increment();
  }

  @Override
  public void load(String cache, boolean success, long nanos) {
    PerCache c = perCache(cache);
    (success ? c.loadSuccess : c.loadFailure).increment();
    c.loadDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void put(String cache, PutResult result) {
    perCache(cache).puts[result.ordinal()].increment();
  }

  @Override
  public void eviction(String cache) {
    perCache(cache).evictions.increment();
  }

  @Override
  public void tagBumps(int count) {
    tagBumps.increment(count);
  }

  @Override
  public void staleRejected(String cache) {
    perCache(cache).staleRejected.increment();
  }

  @Override
  public void backendCall(String backend, String operation, long nanos, boolean success) {
    PerOperation op =
        operations
            .computeIfAbsent(backend, b -> new ConcurrentHashMap<>())
            .computeIfAbsent(operation, o -> new PerOperation(backend, o));
    op.latency.record(nanos, TimeUnit.NANOSECONDS);
    if (!success) {
      op.errors.increment();
    }
  }

  private PerCache perCache(String cache) {
    PerCache c = caches.get(cache);
    return c != null ? c : caches.computeIfAbsent(cache, PerCache::new);
  }

  private final class PerCache {
    final Counter[] gets = new Counter[GetResult.values().length];
    final Counter[] puts = new Counter[PutResult.values().length];
    final Counter loadSuccess;
    final Counter loadFailure;
    final Timer loadDuration;
    final Counter evictions;
    final Counter staleRejected;

    PerCache(String cache) {
      for (GetResult r : GetResult.values()) {
        gets[r.ordinal()] = counter("cache.gets", "Cache lookups by result", cache, r.name());
      }
      for (PutResult r : PutResult.values()) {
        puts[r.ordinal()] = counter("cache.puts", "Cache writes by result", cache, r.name());
      }
      loadSuccess = counter("cache.loads", "Loader calls by result", cache, "success");
      loadFailure = counter("cache.loads", "Loader calls by result", cache, "failure");
      loadDuration =
          Timer.builder("cache.load.duration")
              .description("Time spent in loaders")
              .tags("cache", cache, "namespace", namespace)
              .register(registry);
      evictions = counter("cache.evictions", "Explicit evictions", cache, null);
      staleRejected =
          counter("cache.stale.rejected", "Entries found but rejected as stale", cache, null);
    }

    private Counter counter(
        String name, String description, String cache, @Nullable String result) {
      Counter.Builder b =
          Counter.builder(name)
              .description(description)
              .tags("cache", cache, "namespace", namespace);
      if (result != null) {
        b.tag("result", result.toLowerCase(java.util.Locale.ROOT));
      }
      return b.register(registry);
    }
  }

  private final class PerOperation {
    final Timer latency;
    final Counter errors;

    PerOperation(String backend, String operation) {
      latency =
          Timer.builder("cache.backend.latency")
              .description("Backend call latency")
              .tags("backend", backend, "operation", operation, "namespace", namespace)
              .register(registry);
      errors =
          Counter.builder("cache.backend.errors")
              .description("Failed backend calls")
              .tags("backend", backend, "operation", operation, "namespace", namespace)
              .register(registry);
    }
  }
}
