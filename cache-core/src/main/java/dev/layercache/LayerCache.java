package dev.layercache;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.layercache.codec.ValueCodec;
import dev.layercache.internal.CacheEngine;
import dev.layercache.internal.EngineSettings;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.spi.CacheBackend;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache of values shared by the application servers of one service, over one {@linkplain
 * CacheBackend backend}. Every key it writes starts with its namespace.
 *
 * <pre>{@code
 * LayerCache cache = LayerCache.builder().namespace("blog")
 *     .backend(LocalBackend.builder().maximumSize(100_000).build()).build();
 * CachePolicy policy = CachePolicy.builder().ttl(Duration.ofMinutes(10)).tags("articles").build();
 * Article a = cache.get(CacheKey.of("article", 42L), Article.class, policy, () -> loadArticle(42L));
 * cache.invalidateTags("articles");
 * }</pre>
 *
 * <p><b>Never stale.</b> Tags are invalidated by bumping their version. A read fetches the entry
 * and its tag versions together; an entry is served only if every version still equals the one seen
 * <em>before</em> its value was loaded. A write that bumps a tag while a loader runs makes the
 * loaded entry stale at birth, and {@link #evict} bumps the key's own tag, so a load that began
 * before an eviction cannot put its value back.
 *
 * <p><b>Never less available than the source.</b> A backend error or timeout on read is a miss, on
 * write a skipped store; both are counted and logged at a limited rate, and a circuit breaker stops
 * calling a dead backend. The caller always gets its loader's value. An invalidation that cannot be
 * delivered makes the affected tags bypass the cache until it is.
 *
 * <p>Types are explicit: pass a {@code Class}, a Jackson {@link TypeReference} for generic types,
 * or any {@link Type} (a Jackson {@code JavaType} or a method's generic return type).
 *
 * <p>Thread-safe. Close it to stop its background threads and the backend.
 */
public interface LayerCache extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * The namespace every key of this cache starts with.
   *
   * @return the namespace
   */
  String namespace();

  /**
   * The backend entries are stored in.
   *
   * @return the backend
   */
  CacheBackend backend();

  /**
   * Returns the cached value, or null if there is none (or the cached value is null).
   *
   * @param key the key
   * @param type the value type
   * @param <T> the value type
   * @return the value or null
   * @throws InvalidCacheKeyException if the key is null
   */
  default <T> @Nullable T get(CacheKey key, Class<T> type) {
    return get(key, (Type) type);
  }

  /**
   * Returns the cached value of a generic type, or null.
   *
   * @param key the key
   * @param type the value type, such as {@code new TypeReference<List<Friend>>() {}}
   * @param <T> the value type
   * @return the value or null
   */
  default <T> @Nullable T get(CacheKey key, TypeReference<T> type) {
    return get(key, type.getType());
  }

  /**
   * Returns the cached value of the given type, or null.
   *
   * @param key the key
   * @param type a {@code Class}, {@code ParameterizedType} or Jackson {@code JavaType}
   * @param <T> the value type; the caller is responsible for matching it with {@code type}
   * @return the value or null
   */
  <T> @Nullable T get(CacheKey key, Type type);

  /**
   * Returns the cached value, or loads, caches and returns it (read-through). Concurrent misses of
   * one key in this process run the loader once.
   *
   * @param key the key
   * @param type the value type
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @param <E> what the loader may throw
   * @return the cached or loaded value
   * @throws E the loader's exception, unchanged; nothing is cached then
   */
  default <T, E extends Exception> @Nullable T get(
      CacheKey key, Class<T> type, CachePolicy policy, Loader<? extends T, E> loader) throws E {
    return get(key, (Type) type, policy, loader);
  }

  /**
   * Read-through for a generic type.
   *
   * @param key the key
   * @param type the value type
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @param <E> what the loader may throw
   * @return the cached or loaded value
   * @throws E the loader's exception, unchanged
   */
  default <T, E extends Exception> @Nullable T get(
      CacheKey key, TypeReference<T> type, CachePolicy policy, Loader<? extends T, E> loader)
      throws E {
    return get(key, type.getType(), policy, loader);
  }

  /**
   * Read-through for any type token.
   *
   * @param key the key
   * @param type a {@code Class}, {@code ParameterizedType} or Jackson {@code JavaType}
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @param <E> what the loader may throw
   * @return the cached or loaded value
   * @throws E the loader's exception, unchanged
   */
  <T, E extends Exception> @Nullable T get(
      CacheKey key, Type type, CachePolicy policy, Loader<? extends T, E> loader) throws E;

  /**
   * Read-through on the cache's executor.
   *
   * @param key the key
   * @param type the value type
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @return a future completed with the value, or exceptionally with the loader's exception
   */
  default <T> CompletableFuture<@Nullable T> getAsync(
      CacheKey key, Class<T> type, CachePolicy policy, Loader<? extends T, ?> loader) {
    return getAsync(key, (Type) type, policy, loader);
  }

  /**
   * Read-through of a generic type on the cache's executor.
   *
   * @param key the key
   * @param type the value type
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @return a future completed with the value, or exceptionally with the loader's exception
   */
  default <T> CompletableFuture<@Nullable T> getAsync(
      CacheKey key, TypeReference<T> type, CachePolicy policy, Loader<? extends T, ?> loader) {
    return getAsync(key, type.getType(), policy, loader);
  }

  /**
   * Read-through for any type token on the cache's executor.
   *
   * @param key the key
   * @param type a type token
   * @param policy TTL, tags and caching rules
   * @param loader computes the value on a miss
   * @param <T> the value type
   * @return a future completed with the value, or exceptionally with the loader's exception
   */
  <T> CompletableFuture<@Nullable T> getAsync(
      CacheKey key, Type type, CachePolicy policy, Loader<? extends T, ?> loader);

  /**
   * Looks a key up for a read-through split in two calls: a {@link CacheLookup.Hit} with the cached
   * value (telling a cached null from a miss), or a {@link CacheLookup.Miss} that says why and
   * stores a value computed afterwards with the tag versions this lookup read, so a write during
   * the computation makes it stale at birth (see {@link CacheLookup}). One backend round trip, as
   * for {@link #get(CacheKey, Type, CachePolicy, Loader)}; unlike it, no single flight and no
   * background reload of soft-expired entries.
   *
   * @param key the key
   * @param type a type token, as for {@link #get(CacheKey, Type)}
   * @param policy the policy the value will be filled with (its tags are read with the entry)
   * @param <T> the value type; the caller is responsible for matching it with {@code type}
   * @return the hit or the miss
   * @throws InvalidCacheKeyException if the key is null
   */
  <T> CacheLookup<T> lookup(CacheKey key, Type type, CachePolicy policy);

  /**
   * Looks up several keys in one backend round trip (one per server for sharded backends).
   *
   * @param keys the keys
   * @param type the value type
   * @param <T> the value type
   * @return the hits; keys without a valid entry are absent, cached nulls are absent too
   */
  default <T> Map<CacheKey, T> getAll(Collection<CacheKey> keys, Class<T> type) {
    return getAll(keys, (Type) type);
  }

  /**
   * Looks up several keys of any type token in one backend round trip.
   *
   * @param keys the keys
   * @param type a type token
   * @param <T> the value type
   * @return the hits
   */
  <T> Map<CacheKey, T> getAll(Collection<CacheKey> keys, Type type);

  /**
   * Looks up several keys in one round trip and loads the missing ones with one loader call.
   *
   * @param keys the keys
   * @param type the value type
   * @param policy TTL, tags and caching rules for the loaded values
   * @param loader loads the keys that missed
   * @param <T> the value type
   * @param <E> what the loader may throw
   * @return every key with a value, cached or loaded
   * @throws E the loader's exception, unchanged
   */
  default <T, E extends Exception> Map<CacheKey, T> getAll(
      Collection<CacheKey> keys,
      Class<T> type,
      CachePolicy policy,
      BulkLoader<? extends T, E> loader)
      throws E {
    return getAll(keys, (Type) type, policy, loader);
  }

  /**
   * Bulk read-through for any type token.
   *
   * @param keys the keys
   * @param type a type token
   * @param policy TTL, tags and caching rules for the loaded values
   * @param loader loads the keys that missed
   * @param <T> the value type
   * @param <E> what the loader may throw
   * @return every key with a value, cached or loaded
   * @throws E the loader's exception, unchanged
   */
  <T, E extends Exception> Map<CacheKey, T> getAll(
      Collection<CacheKey> keys, Type type, CachePolicy policy, BulkLoader<? extends T, E> loader)
      throws E;

  /**
   * Stores a value. Any load of the same key that began earlier can no longer store its value.
   *
   * <p>A backend that cannot be reached does not make this throw (the failure is counted and
   * logged, as for every cache write): it returns false. Data the application cannot load again
   * from elsewhere, such as a session, must act on that ({@link SessionStore} throws).
   *
   * @param key the key
   * @param value the value; null only if the policy caches nulls
   * @param policy TTL, tags and caching rules
   * @return true if the backend stored it, false if it could not
   * @throws CacheSerializationException if the value cannot be encoded
   * @throws ValueTooLargeException if it exceeds the size limit
   */
  boolean put(CacheKey key, @Nullable Object value, CachePolicy policy);

  /**
   * Removes a key's entry. A load of the key that began before this call cannot store its value
   * afterwards.
   *
   * @param key the key
   */
  void evict(CacheKey key);

  /**
   * Invalidates every entry that depends on any of these tags, whatever their number, in O(1).
   *
   * @param tags the tags
   * @throws CacheInvalidationException with {@link Builder#strictInvalidation(boolean)}, if the
   *     backend did not take it (it is still retried)
   */
  void invalidateTags(String... tags);

  /**
   * Invalidates every entry that depends on any of these tags.
   *
   * @param tags the tags
   * @throws CacheInvalidationException with {@link Builder#strictInvalidation(boolean)}, if the
   *     backend did not take it (it is still retried)
   */
  void invalidateTags(Collection<String> tags);

  /**
   * Locks tags for a write that becomes visible later, such as a database transaction's (the
   * pre-invalidation Hibernate calls a soft lock): their entries are invalidated at once, and until
   * {@link #unlockTags} (or {@code maxLockTime}) nothing is served or stored for them, in every
   * process sharing the backend. Without it, a value loaded while the transaction runs holds the
   * rows it replaces and is served between the commit and the invalidation that follows it.
   *
   * <p>Locks nest: each call needs one {@link #unlockTags}. A lock not released in time (the writer
   * crashed, its unlock was lost) counts for nothing after {@code maxLockTime}, so choose it above
   * the longest transaction. A lock that cannot be delivered is handled as a failed {@link
   * #invalidateTags}: this process bypasses the tags until a retry bumps them.
   *
   * @param tags the tags being written
   * @param maxLockTime how long the lock holds at most
   * @throws CacheInvalidationException with {@link Builder#strictInvalidation(boolean)}, if the
   *     backend did not take the lock: the write should not go ahead
   */
  void lockTags(Collection<String> tags, Duration maxLockTime);

  /**
   * Releases a {@link #lockTags} once the write is visible (committed or rolled back) and
   * invalidates the tags again, so a value loaded from before the write cannot be served. The tags
   * stay locked while other writers hold them.
   *
   * @param tags the tags locked before
   */
  void unlockTags(Collection<String> tags);

  /**
   * Locks keys as {@link #lockTags} locks tags, for a write that becomes visible later and changes
   * these keys' values (an eviction inside a database transaction, say): each key's entry is
   * invalidated at once and, until {@link #unlockKeys} or {@code maxLockTime}, nothing is served or
   * stored under it, in every process sharing the backend. Locks nest as for tags.
   *
   * @param keys the keys being written
   * @param maxLockTime how long the lock holds at most
   * @throws CacheInvalidationException with {@link Builder#strictInvalidation(boolean)}, if the
   *     backend did not take the lock
   */
  void lockKeys(Collection<CacheKey> keys, Duration maxLockTime);

  /**
   * Releases a {@link #lockKeys} once the write is visible (committed or rolled back), and
   * invalidates the keys' entries again, as {@link #unlockTags} does for tags. Never throws.
   *
   * @param keys the keys locked before
   */
  void unlockKeys(Collection<CacheKey> keys);

  /**
   * Declares that the value being loaded depends on these tags. Inside a loader run by this cache
   * (an assembler, say) it reads the tags' current versions and stores the loaded value with them,
   * so invalidating any of the tags invalidates the value; outside a loader it does nothing.
   *
   * <p>Reads through this cache inside a loader are recorded the same way without this call: nested
   * cached objects and cached SQL queries make the enclosing value depend on what they read.
   * Integrations call this for reads the cache did not serve, such as a query that is not cached.
   *
   * @param tags the tags the value depends on
   */
  void trackDependencies(Collection<String> tags);

  /**
   * Declares that the value being loaded must not be cached, because it was built from data other
   * connections must not see (rows written by the loader's own uncommitted transaction) or from a
   * snapshot older than the current tag versions. The loader's result is still returned. Outside a
   * loader it does nothing.
   *
   * @param reason why, for diagnostics
   */
  void markUncacheable(String reason);

  /**
   * Declares that the value being loaded depends on these tags.
   *
   * @param tags the tags
   * @see #trackDependencies(Collection)
   */
  default void trackDependencies(String... tags) {
    trackDependencies(java.util.Arrays.asList(tags));
  }

  /**
   * Invalidates tags on the cache's executor, for invalidations that narrow a window but are not
   * the one correctness rests on (a JDBC write's bump before its commit, say), so the caller does
   * not wait for a round trip. Delivery failures are handled as for {@link #invalidateTags}.
   *
   * @param tags the tags
   * @return a future completed when the bump was attempted
   */
  CompletableFuture<Void> invalidateTagsAsync(Collection<String> tags);

  /**
   * Whether an invalidation could not be delivered to the backend yet and waits for a retry.
   * Meanwhile the entries of its tags are neither served nor filled here. For health checks and
   * tests; thread-safe.
   *
   * @return true while some tag bypasses the cache because its bump is undelivered
   */
  boolean hasPendingInvalidations();

  /** Stops background work and closes the backend. */
  @Override
  void close();

  /**
   * Builds a {@link LayerCache}. Each setter validates its argument at once and names the bad
   * value.
   */
  final class Builder {
    /** Circuit breaker: failure rate (percent) over the sliding window that opens it. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;

    /** Circuit breaker: how long it stays open before probing the backend again. */
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(2);

    /** A remote call slower than this counts as a failure for the circuit breaker. */
    public static final Duration DEFAULT_SLOW_CALL = Duration.ofMillis(250);

    /** Repeated backend errors are logged at most once per this interval. */
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);

    private @Nullable String namespace;
    private @Nullable CacheBackend backend;
    private @Nullable ValueCodec codec;
    private @Nullable Function<String, CacheMetrics> metrics;
    private @Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private long maxValueBytes = -1;
    private boolean circuitBreaker = true;
    private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
    private Duration openDuration = DEFAULT_OPEN_DURATION;
    private Duration slowCall = DEFAULT_SLOW_CALL;
    private Duration logInterval = DEFAULT_LOG_INTERVAL;
    private boolean strictInvalidation;

    Builder() {}

    /**
     * Sets the namespace every key starts with (required).
     *
     * @param namespace 1 to 64 characters from {@code [A-Za-z0-9_.-]}
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = dev.layercache.internal.KeyEncoding.validateName("namespace", namespace);
      return this;
    }

    /**
     * Sets the backend (required). The cache owns it and closes it on {@link LayerCache#close()}.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(CacheBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Sets the codec for remote backends. Default, chosen at {@link #build()}: {@link
     * dev.layercache.codec.JacksonCodec} when Jackson 2 ({@code
     * com.fasterxml.jackson.core:jackson-databind}, a dependency of the core) is on the class path,
     * otherwise {@link dev.layercache.codec.Jackson3Codec} when Jackson 3 ({@code
     * tools.jackson.core:jackson-databind}) is.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(ValueCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets where metrics go, given the namespace, for example {@code ns ->
     * MicrometerCacheMetrics.of(registry, ns)}. Default: none.
     *
     * @param metrics a factory called once with the namespace
     * @return this builder
     */
    public Builder metrics(Function<String, CacheMetrics> metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Sets the executor for asynchronous gets and background reloads. Default: a cached pool of
     * daemon threads named after the namespace, shut down on close.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the clock for creation and expiry times (tests).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Limits the encoded size of a value. Default: the backend's limit. Larger values are not
     * stored; read-through calls still return them.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder maxValueBytes(long bytes) {
      if (bytes < 1) {
        throw new CacheConfigurationException("maxValueBytes must be at least 1, was " + bytes);
      }
      this.maxValueBytes = bytes;
      return this;
    }

    /**
     * Enables or disables the circuit breaker around a remote backend. Default: enabled.
     *
     * @param enabled whether to use it
     * @return this builder
     */
    public Builder circuitBreaker(boolean enabled) {
      this.circuitBreaker = enabled;
      return this;
    }

    /**
     * Sets the failure rate that opens the circuit breaker.
     *
     * @param percent from 1 to 100; default 50
     * @return this builder
     */
    public Builder failureRateThreshold(float percent) {
      if (!(percent >= 1 && percent <= 100)) {
        throw new CacheConfigurationException(
            "failureRateThreshold must be in [1, 100], was " + percent);
      }
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets how long the circuit breaker stays open before probing again.
     *
     * @param duration at least 1 ms; default 2 s
     * @return this builder
     */
    public Builder circuitOpenDuration(Duration duration) {
      if (duration == null || duration.toMillis() < 1) {
        throw new CacheConfigurationException(
            "circuitOpenDuration must be at least 1 ms, was " + duration);
      }
      this.openDuration = duration;
      return this;
    }

    /**
     * Sets the duration above which a remote call counts as slow (a failure for the breaker).
     *
     * @param duration at least 1 ms; default 250 ms
     * @return this builder
     */
    public Builder slowCallThreshold(Duration duration) {
      if (duration == null || duration.toMillis() < 1) {
        throw new CacheConfigurationException(
            "slowCallThreshold must be at least 1 ms, was " + duration);
      }
      this.slowCall = duration;
      return this;
    }

    /**
     * Sets how often a repeated backend error is logged.
     *
     * @param interval at least 1 ms; default 10 s
     * @return this builder
     */
    public Builder logInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new CacheConfigurationException("logInterval must be at least 1 ms, was " + interval);
      }
      this.logInterval = interval;
      return this;
    }

    /**
     * Makes an invalidation that does not reach the backend an error. By default ({@code false})
     * {@link LayerCache#invalidateTags}, {@link LayerCache#evict} and {@link LayerCache#lockTags}
     * never throw: an undelivered one is retried, and meanwhile this process bypasses the tags, but
     * other processes sharing the backend know nothing of it and may serve the old entries until
     * the retry lands (or the entries' TTL ends, if this process stops first). With {@code true}
     * they also throw {@link CacheInvalidationException}, so that the caller can refuse the write
     * it announced; the query-result cache then refuses a SQL write before it runs, so no committed
     * write is unknown to the cache. Availability is the price: while the backend is unreachable,
     * such writes fail. {@link LayerCache#unlockTags} never throws: the write it follows is visible
     * already, and the lock keeps other processes from serving the tags until its deadline.
     *
     * @param strict whether an undelivered invalidation throws
     * @return this builder
     */
    public Builder strictInvalidation(boolean strict) {
      this.strictInvalidation = strict;
      return this;
    }

    /**
     * Returns the cache.
     *
     * @return a new cache
     * @throws CacheConfigurationException if the namespace or backend is missing, or no codec was
     *     set and no supported Jackson is on the class path (the message names the artifacts, or
     *     the version found and the versions supported)
     */
    public LayerCache build() {
      if (namespace == null) {
        throw new CacheConfigurationException("namespace is required");
      }
      if (backend == null) {
        throw new CacheConfigurationException("backend is required");
      }
      return new CacheEngine(
          new EngineSettings(
              namespace,
              backend,
              codec,
              metrics == null ? CacheMetrics.NOOP : metrics.apply(namespace),
              executor,
              clock,
              maxValueBytes,
              circuitBreaker,
              failureRateThreshold,
              openDuration,
              slowCall,
              logInterval,
              strictInvalidation));
    }
  }
}
