package dev.layercache.examples.bench;

import dev.layercache.LayerCache;
import dev.layercache.examples.blog.BlogAssembler;
import dev.layercache.metrics.MicrometerCacheMetrics;
import dev.layercache.spi.CacheBackend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The system under test of one run: two application servers, each with its own {@link LayerCache}
 * (same namespace) over one shared backend, both over one statement-counting database. Requests
 * alternate between the servers as a load balancer would, so neither can rely on memory of its own:
 * whatever one server cached or invalidated, the other sees through the shared backend.
 */
public final class Deployment implements AutoCloseable {
  /** How many application servers a run deploys. */
  public static final int SERVERS = 2;

  private final CountingDataSource database;
  private final @Nullable CountingBackend backend;
  private final List<LayerCache> caches = new ArrayList<>();
  private final BlogAssembler[] servers = new BlogAssembler[SERVERS];
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /**
   * Deploys a pattern.
   *
   * @param pattern the pattern
   * @param backendName the backend, or null if the pattern uses no cache
   * @param db the database
   * @param config the command line, for server addresses
   * @param namespace the cache namespace, unique to this run
   */
  public Deployment(
      Pattern pattern,
      @Nullable String backendName,
      Database db,
      BenchConfig config,
      String namespace) {
    this.database = new CountingDataSource(db.pool());
    this.backend =
        backendName == null ? null : new CountingBackend(Backends.create(backendName, config));
    try {
      for (int i = 0; i < SERVERS; i++) {
        LayerCache cache = null;
        if (backend != null) {
          CacheBackend own = pattern.serverBackend(backend, config, namespace);
          cache =
              LayerCache.builder()
                  .namespace(namespace)
                  .backend(own)
                  .metrics(ns -> MicrometerCacheMetrics.of(registry, ns))
                  .build();
          caches.add(cache);
        }
        servers[i] = pattern.create(database, cache);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * An application server.
   *
   * @param index from 0 to {@link #SERVERS} - 1
   * @return its assembler
   */
  public BlogAssembler server(int index) {
    return servers[index];
  }

  /**
   * Whether this run has a cache.
   *
   * @return true if a backend is deployed
   */
  public boolean cached() {
    return backend != null;
  }

  /**
   * Reads the counters.
   *
   * @return the counts so far
   */
  public Counters counters() {
    long hits = 0;
    long lookups = 0;
    for (Counter c : registry.find("cache.gets").counters()) {
      String result = c.getId().getTag("result");
      long n = (long) c.count();
      lookups += n;
      String r = result == null ? "" : result.toLowerCase(Locale.ROOT);
      if (r.equals("hit") || r.equals("stale")) {
        hits += n;
      }
    }
    CountingBackend b = backend;
    return new Counters(
        database.statements(),
        b == null ? 0 : b.bytesRead(),
        b == null ? 0 : b.bytesWritten(),
        b == null ? 0 : b.calls(),
        hits,
        lookups);
  }

  @Override
  public void close() {
    for (LayerCache cache : caches) {
      cache.close();
    }
    if (backend != null) {
      backend.closeShared();
    }
    registry.close();
  }

  /**
   * Counts of work done, to be subtracted between two points in time.
   *
   * @param statements database statements
   * @param bytesFromCache bytes of entries read from the backend
   * @param bytesToCache bytes of entries written to the backend
   * @param backendCalls backend calls
   * @param cacheHits cache lookups answered
   * @param cacheLookups cache lookups
   */
  public record Counters(
      long statements,
      long bytesFromCache,
      long bytesToCache,
      long backendCalls,
      long cacheHits,
      long cacheLookups) {
    /**
     * The work done since an earlier reading.
     *
     * @param earlier the earlier reading
     * @return the difference
     */
    public Counters minus(Counters earlier) {
      return new Counters(
          statements - earlier.statements,
          bytesFromCache - earlier.bytesFromCache,
          bytesToCache - earlier.bytesToCache,
          backendCalls - earlier.backendCalls,
          cacheHits - earlier.cacheHits,
          cacheLookups - earlier.cacheLookups);
    }
  }
}
