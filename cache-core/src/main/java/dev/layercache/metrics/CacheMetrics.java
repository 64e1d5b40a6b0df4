package dev.layercache.metrics;

/**
 * Receives the events a {@link dev.layercache.LayerCache} reports. Cache names are the {@link
 * dev.layercache.CacheKey#name()} of the keys involved: bounded by the application's code, never a
 * key or tag value. Implementations must be thread-safe and cheap; an exception they throw is
 * swallowed by the core, never passed to a cache caller.
 */
public interface CacheMetrics {
  /** Records nothing. */
  CacheMetrics NOOP = new CacheMetrics() {};

  /** How a get ended. */
  enum GetResult {
    /** A valid entry was served. */
    HIT,
    /** An entry past its soft TTL was served while a reload runs. */
    STALE,
    /** No valid entry. */
    MISS,
    /** The backend failed; treated as a miss. */
    ERROR
  }

  /** How a put ended. */
  enum PutResult {
    /** The entry was written. */
    STORED,
    /** The entry was not written: too large, unserializable, or not cacheable by policy. */
    REJECTED,
    /** The backend failed. */
    ERROR
  }

  /**
   * A get finished.
   *
   * @param cache the cache name
   * @param result the result
   */
  default void get(String cache, GetResult result) {}

  /**
   * A loader ran.
   *
   * @param cache the cache name
   * @param success whether it returned normally
   * @param nanos how long it took
   */
  default void load(String cache, boolean success, long nanos) {}

  /**
   * A put finished.
   *
   * @param cache the cache name
   * @param result the result
   */
  default void put(String cache, PutResult result) {}

  /**
   * An entry was evicted explicitly.
   *
   * @param cache the cache name
   */
  default void eviction(String cache) {}

  /**
   * Tags were bumped.
   *
   * @param count how many
   */
  default void tagBumps(int count) {}

  /**
   * An entry was found but rejected: a tag was bumped after its snapshot, it expired, or its
   * fingerprint or format did not match.
   *
   * @param cache the cache name
   */
  default void staleRejected(String cache) {}

  /**
   * A remote backend call finished.
   *
   * @param backend the backend name
   * @param operation read, write, delete, bump or versions
   * @param nanos how long it took
   * @param success whether it succeeded
   */
  default void backendCall(String backend, String operation, long nanos, boolean success) {}
}
