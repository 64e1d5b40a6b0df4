package dev.layercache;

import java.util.Map;
import java.util.Set;

/**
 * Loads the values of several keys that missed, in one call (one SQL {@code IN (...)} query, say).
 *
 * @param <T> the value type
 * @param <E> the exception the loader may throw
 */
@FunctionalInterface
public interface BulkLoader<T, E extends Exception> {
  /**
   * Loads the values of the given keys.
   *
   * @param missing the keys not found in the cache
   * @return the values found; a key absent from the map has no value (cached as null only if the
   *     policy caches nulls)
   * @throws E if loading fails
   */
  Map<CacheKey, ? extends T> loadAll(Set<CacheKey> missing) throws E;
}
