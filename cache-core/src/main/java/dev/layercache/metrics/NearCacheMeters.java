package dev.layercache.metrics;

import dev.layercache.near.NearCacheBackend;
import dev.layercache.near.NearCacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link NearCacheBackend}'s counters to Micrometer, read when the registry is scraped:
 *
 * <ul>
 *   <li>{@code cache.near.reads} (tag {@code result}: hit, miss, bypassed)
 *   <li>{@code cache.near.fills}, {@code cache.near.messages}, {@code cache.near.gaps}, {@code
 *       cache.near.clears}
 *   <li>gauges {@code cache.near.lag.max} and {@code cache.near.lag.mean} (milliseconds from an
 *       invalidation's publication to its arrival), {@code cache.near.size}, {@code
 *       cache.near.live} (1 while the subscription is live)
 * </ul>
 *
 * All carry the tag {@code near} with the name given.
 */
public final class NearCacheMeters {
  private NearCacheMeters() {}

  /**
   * Registers the meters.
   *
   * @param registry where to register
   * @param name names this near cache in the {@code near} tag
   * @param near the near cache
   */
  // Micrometer is an optional module: applications that call this method have it themselves.
  @SuppressWarnings("exports")
  public static void bind(MeterRegistry registry, String name, NearCacheBackend near) {
    counter(registry, "cache.near.reads", name, near, s -> s.hits(), "result", "hit");
    counter(registry, "cache.near.reads", name, near, s -> s.misses(), "result", "miss");
    counter(registry, "cache.near.reads", name, near, s -> s.bypassed(), "result", "bypassed");
    counter(registry, "cache.near.fills", name, near, s -> s.fills());
    counter(registry, "cache.near.messages", name, near, s -> s.messages());
    counter(registry, "cache.near.gaps", name, near, s -> s.gaps());
    counter(registry, "cache.near.clears", name, near, s -> s.clears());
    gauge(registry, "cache.near.lag.max", name, near, s -> s.maxLagMillis());
    gauge(registry, "cache.near.lag.mean", name, near, s -> s.meanLagMillis());
    gauge(registry, "cache.near.size", name, near, s -> s.size());
    gauge(registry, "cache.near.live", name, near, s -> s.live() ? 1 : 0);
  }

  private static void counter(
      MeterRegistry registry,
      String meter,
      String name,
      NearCacheBackend near,
      ToDoubleFunction<NearCacheStats> read,
      String... tags) {
    FunctionCounter.builder(meter, near, n -> read.applyAsDouble(n.stats()))
        .tag("near", name)
        .tags(tags)
        .register(registry);
  }

  private static void gauge(
      MeterRegistry registry,
      String meter,
      String name,
      NearCacheBackend near,
      ToDoubleFunction<NearCacheStats> read) {
    Gauge.builder(meter, near, n -> read.applyAsDouble(n.stats()))
        .tag("near", name)
        .register(registry);
  }
}
