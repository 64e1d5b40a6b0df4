package dev.layercache.spring.internal;

import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The allow-list of value types per Spring cache name: the return types of the methods annotated
 * with {@code @Cacheable} or {@code @CachePut} for that name (found by {@link CacheableTypeScanner}
 * as beans are created, or when such a method is first called), and the types configured on the
 * cache manager. A cache decodes only into these types; cached bytes never name a type.
 * Thread-safe.
 */
public final class CacheableTypes {
  private final ConcurrentMap<String, Map<Type, String>> byCache = new ConcurrentHashMap<>();

  /**
   * Allows a type for a cache.
   *
   * @param cacheName the Spring cache name
   * @param type the value type
   * @param source where it was declared (a method name), for messages
   */
  public void add(String cacheName, Type type, String source) {
    Map<Type, String> types = byCache.computeIfAbsent(cacheName, n -> new LinkedHashMap<>());
    synchronized (types) {
      types.putIfAbsent(type, source);
    }
  }

  /**
   * The types allowed for a cache, with where each was declared.
   *
   * @param cacheName the Spring cache name
   * @return type to source, in the order they were found
   */
  public Map<Type, String> of(String cacheName) {
    Map<Type, String> types = byCache.get(cacheName);
    if (types == null) {
      return Map.of();
    }
    synchronized (types) {
      return new LinkedHashMap<>(types);
    }
  }

  /**
   * The types of two lists together.
   *
   * @param cacheName the cache name
   * @param lists registries, the first ones first
   * @return the union
   */
  static Map<Type, String> union(String cacheName, List<@Nullable CacheableTypes> lists) {
    Map<Type, String> all = new LinkedHashMap<>();
    for (CacheableTypes l : lists) {
      if (l != null) {
        l.of(cacheName).forEach(all::putIfAbsent);
      }
    }
    return all;
  }
}
