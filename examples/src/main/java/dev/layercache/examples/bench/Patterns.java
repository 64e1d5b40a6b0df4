package dev.layercache.examples.bench;

import dev.layercache.LayerCache;
import dev.layercache.examples.blog.AnnotatedBlogAssembler;
import dev.layercache.examples.blog.BlogAssembler;
import dev.layercache.examples.blog.CachingBlogAssembler;
import dev.layercache.examples.blog.JdbcBlogAssembler;
import dev.layercache.near.NearCacheBackend;
import dev.layercache.redis.RedisInvalidationBus;
import dev.layercache.spi.CacheBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The patterns the benchmark knows. */
public final class Patterns {
  /** Every pattern name, in report order. */
  public static final List<String> NAMES = List.of("none", "query", "object", "annotated", "near");

  private static final Map<String, Pattern> AVAILABLE = new LinkedHashMap<>();

  static {
    AVAILABLE.put("none", new NoCache());
    AVAILABLE.put("query", new QueryCaching());
    AVAILABLE.put("object", new ObjectCaching());
    AVAILABLE.put("annotated", new AnnotatedObjectCaching());
    AVAILABLE.put("near", new NearCaching());
  }

  private Patterns() {}

  /**
   * The patterns this build can run, in report order.
   *
   * @return the patterns
   */
  public static List<Pattern> available() {
    return new ArrayList<>(AVAILABLE.values());
  }

  /**
   * Finds a pattern.
   *
   * @param name a pattern name
   * @return the pattern
   * @throws BenchUsageException if no pattern has that name
   */
  public static Pattern named(String name) {
    Pattern p = AVAILABLE.get(name);
    if (p != null) {
      return p;
    }
    throw new BenchUsageException(
        "unknown pattern '" + name + "': choose from " + String.join(", ", NAMES));
  }

  /** No cache: every request goes to the database. The baseline. */
  static final class NoCache implements Pattern {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public String description() {
      return "no cache: every request queries the database";
    }

    @Override
    public boolean usesCache() {
      return false;
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return new JdbcBlogAssembler(database);
    }
  }

  /** Query-result caching: the plain JDBC assembler over a caching DataSource. */
  static final class QueryCaching implements Pattern {
    @Override
    public String name() {
      return "query";
    }

    @Override
    public String description() {
      return "query-result caching: every SELECT cached, invalidated by the tables writes touch";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return new JdbcBlogAssembler(
          dev.layercache.sql.CachingDataSource.wrap(
              database, Objects.requireNonNull(cache, "cache")));
    }
  }

  /** Object caching declared by annotations on the assembler, applied by a proxy. */
  static final class AnnotatedObjectCaching implements Pattern {
    @Override
    public String name() {
      return "annotated";
    }

    @Override
    public String description() {
      return "object caching by annotations: @Cached pages, @InvalidateTags on writes";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return AnnotatedBlogAssembler.over(database, Objects.requireNonNull(cache, "cache"));
    }
  }

  /**
   * Annotated object caching with a near cache on each application server, kept coherent by Redis
   * pub/sub: hits cost no round trip; the other server sees a write when its message arrives.
   */
  static final class NearCaching implements Pattern {
    /** Stale answers older than this after their write fail the run: the bus must be that fast. */
    static final Duration STALE_BOUND = Duration.ofSeconds(1);

    @Override
    public String name() {
      return "near";
    }

    @Override
    public String description() {
      return "annotated object caching with a near cache per server, invalidated over Redis"
          + " pub/sub";
    }

    @Override
    public boolean supports(String backend) {
      return !backend.equals("local");
    }

    @Override
    public CacheBackend serverBackend(CacheBackend shared, BenchConfig config, String namespace) {
      NearCacheBackend near =
          NearCacheBackend.builder(
                  shared,
                  RedisInvalidationBus.builder()
                      .uri(config.redisUri())
                      .channel("layercache:bench:" + namespace)
                      .build())
              .maximumSize(100_000)
              .ttl(Duration.ofSeconds(30))
              .closeRemote(false)
              .build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!near.stats().live()) {
        if (System.nanoTime() > deadline) {
          near.close();
          throw new BenchUnavailableException(
              "the near cache could not subscribe to invalidations on " + config.redisUri());
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      return near;
    }

    @Override
    public Duration staleBound() {
      return STALE_BOUND;
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return AnnotatedBlogAssembler.over(database, Objects.requireNonNull(cache, "cache"));
    }
  }

  /** Object caching by a hand-written decorator of the assembler. */
  static final class ObjectCaching implements Pattern {
    @Override
    public String name() {
      return "object";
    }

    @Override
    public String description() {
      return "object caching: assembled pages cached whole, invalidated by tag on writes";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return CachingBlogAssembler.over(database, Objects.requireNonNull(cache, "cache"));
    }
  }
}
