package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link LayerCache#lookup}: a {@link Hit} holding the cached value (which may be a
 * cached null), or a {@link Miss} that says why and can store a value computed afterwards.
 *
 * <p>A lookup and its fill are read-through split in two, for frameworks that look up, compute and
 * store in separate calls (Spring's {@code Cache.get}, the method, {@code Cache.put}). The miss
 * holds the tag versions read with the entry, before the value was computed: a fill stores the
 * value with those versions, so a write that invalidated one of its tags meanwhile makes the stored
 * entry stale at birth, exactly as {@link LayerCache#get(CacheKey, java.lang.reflect.Type,
 * CachePolicy, Loader)} does. A plain {@link LayerCache#put} would store it as current instead.
 *
 * @param <T> the value type
 */
public sealed interface CacheLookup<T> permits CacheLookup.Hit, CacheLookup.Miss {

  /**
   * A valid entry.
   *
   * @param value the cached value; null when a null was cached
   * @param <T> the value type
   */
  record Hit<T>(@Nullable T value) implements CacheLookup<T> {}

  /**
   * No entry may be served. Fill it with the value computed afterwards, at most once.
   *
   * <p>What the computation reads through the same cache (cached SQL queries, nested cached
   * objects) becomes a dependency of the stored value only while it is being recorded: {@link
   * #recordDependencies()} before computing and {@link #endRecording()} after, on the thread that
   * computes. Recordings nest like loads and end in the reverse order they started. Without a
   * recording the value depends on the key and the policy's tags only.
   *
   * <p>{@link #fill} may be called from any thread once the recording has ended.
   *
   * @param <T> the value type
   */
  non-sealed interface Miss<T> extends CacheLookup<T> {
    /**
     * Why no entry was served.
     *
     * @return the reason
     */
    MissReason reason();

    /**
     * Starts recording, on the calling thread, the tag versions of what is read through this cache
     * until {@link #endRecording()}.
     *
     * @return this miss
     * @throws IllegalStateException if recording was started before
     */
    Miss<T> recordDependencies();

    /**
     * Ends the recording started on this thread; does nothing if none is open. What was recorded is
     * kept for {@link #fill} and passed on to an enclosing load, as a nested load's is.
     *
     * @throws IllegalStateException if called on another thread, or while a recording started later
     *     on this thread is still open
     */
    void endRecording();

    /**
     * Stores the computed value with the versions read by the lookup and those recorded. Nothing is
     * stored if a tag was being written or had an undelivered invalidation at the lookup, if a
     * recorded dependency changed while recording, or if the policy refuses the value (a null
     * without {@code cacheNulls}); a value stored after one of its versions changed is stale at
     * birth and never served. Never throws for the backend: a value that cannot be stored is
     * counted and logged, as for read-through. Ends an open recording first (on its thread).
     *
     * @param value the computed value
     * @return true if the backend stored it (which does not mean it is current)
     * @throws IllegalStateException if filled before
     */
    boolean fill(@Nullable T value);
  }

  /** Why a lookup served no entry. */
  enum MissReason {
    /** No entry is stored under the key. */
    ABSENT,
    /** The entry's time to live has passed. */
    EXPIRED,
    /** A tag the entry depends on, or the key itself, was invalidated after it was stored. */
    STALE,
    /**
     * A tag the entry depends on, or the key, is being written ({@link LayerCache#lockTags}):
     * nothing is served or stored for it until the writer unlocks.
     */
    LOCKED,
    /** An invalidation of one of its tags could not be delivered yet: the cache is bypassed. */
    BYPASSED,
    /** The entry could not be read (corrupt, foreign, of another type); it is deleted. */
    UNREADABLE,
    /** The backend did not answer (error, timeout, open circuit breaker). */
    UNAVAILABLE
  }
}
