package dev.layercache.examples.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.local.LocalBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A local hit through {@link LayerCache#get} against the raw Caffeine lookup it stands on, same
 * run, same value. Run with {@code -prof gc} to see the bytes allocated per hit.
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main LocalHitBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class LocalHitBenchmark {

  /** A typical cached object. */
  public record Article(long id, String title, String body) {}

  private Cache<String, Object> caffeine;
  private Cache<String, Object> caffeineWithTtl;
  private LayerCache cache;
  private CacheKey key;
  private String rawKey;
  private CachePolicy policy;

  /** Fills both caches with the same value. */
  @Setup
  public void setUp() {
    Article article = new Article(42, "Title", "x".repeat(200));
    caffeine = Caffeine.newBuilder().maximumSize(100_000).build();
    cache =
        LayerCache.builder()
            .namespace("bench")
            .backend(LocalBackend.builder().maximumSize(100_000).build())
            .build();
    policy = CachePolicy.builder().ttl(Duration.ofHours(1)).tags("articles").build();
    key = CacheKey.of("article", 42L);
    rawKey = key.entryKey("bench");
    caffeine.put(rawKey, article);
    caffeineWithTtl =
        Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofHours(1)).build();
    caffeineWithTtl.put(rawKey, article);
    cache.put(key, article, policy);
  }

  /** Closes the cache. */
  @TearDown
  public void tearDown() {
    cache.close();
  }

  /**
   * The baseline: Caffeine's own lookup.
   *
   * @return the value
   */
  @Benchmark
  public Object caffeineGetIfPresent() {
    return caffeine.getIfPresent(rawKey);
  }

  /**
   * Caffeine honouring a TTL, as every cache entry here does: it reads the clock on each lookup.
   *
   * @return the value
   */
  @Benchmark
  public Object caffeineWithTtlGetIfPresent() {
    return caffeineWithTtl.getIfPresent(rawKey);
  }

  /**
   * A hit with the tag check, through the read-through call applications use.
   *
   * @return the value
   */
  @Benchmark
  public Article layerCacheReadThroughHit() {
    return cache.get(key, Article.class, policy, () -> null);
  }

  /**
   * A hit through the plain lookup.
   *
   * @return the value
   */
  @Benchmark
  public Article layerCacheGetHit() {
    return cache.get(key, Article.class);
  }

  /**
   * A hit with the key built in the call, as code that does not keep keys does.
   *
   * @return the value
   */
  @Benchmark
  public Article layerCacheReadThroughHitNewKey() {
    return cache.get(CacheKey.of("article", 42L), Article.class, policy, () -> null);
  }
}
