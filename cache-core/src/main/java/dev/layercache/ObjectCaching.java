package dev.layercache;

import dev.layercache.internal.ObjectCachingProxies;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Object caching: wraps a domain assembler so that its {@link dev.layercache.annotation.Cached}
 * methods are served from a {@link LayerCache}, and its {@link dev.layercache.annotation.Evict} and
 * {@link dev.layercache.annotation.InvalidateTags} methods invalidate what they change.
 *
 * <pre>{@code
 * interface ArticleAssembler {
 *   @Cached(name = "article", ttl = "PT10M", tags = "article:{0}")
 *   ArticlePage page(long id);
 *
 *   @Evict(name = "article")
 *   void rename(@Key long id, String title);
 * }
 * ArticleAssembler cached = ObjectCaching.proxy(ArticleAssembler.class, jdbcAssembler, cache);
 * }</pre>
 *
 * Interfaces get a JDK proxy; concrete classes get a generated subclass, so existing assemblers
 * need no interface (the class must not be final; its constructors are not run for the proxy).
 * Methods without annotations, and {@code equals}, {@code hashCode} and {@code toString}, go
 * straight to the target. Misuse (an annotation on a {@code void} method, a key parameter of an
 * unsupported type, a tag template naming a missing parameter, a return type the codec cannot
 * rebuild) is reported when the proxy is created, not at the first call.
 *
 * <p>A cached method's value also depends on everything it read through the same cache while it
 * ran: cached SQL queries through a {@code CachingDataSource}, and other cached methods, whose
 * invalidation therefore reaches it with no annotation at all.
 */
public final class ObjectCaching {
  private ObjectCaching() {}

  /**
   * Creates a caching proxy.
   *
   * @param type the interface or class callers use
   * @param target the real assembler
   * @param cache the cache to serve from
   * @param <T> the type
   * @return a thread-safe proxy, if the target is thread-safe
   * @throws CacheConfigurationException if an annotation is misused, naming the method
   */
  public static <T> T proxy(Class<T> type, T target, LayerCache cache) {
    return ObjectCachingProxies.create(type, target, cache);
  }

  /**
   * Reads the caching annotations of one method as {@link #proxy} does, for integrations that
   * intercept calls themselves. The checks {@code proxy} makes when it is created are made here.
   *
   * @param method the method carrying {@code @Cached}, {@code @Evict} or {@code @InvalidateTags}
   * @param cache the cache the values go to (its codec checks a {@code @Cached} return type)
   * @return the plan, or null if the method carries none of the annotations
   * @throws CacheConfigurationException if an annotation is misused, naming the method
   */
  public static @Nullable CachingPlan plan(Method method, LayerCache cache) {
    if (method == null || cache == null) {
      throw new CacheConfigurationException("method and cache are required");
    }
    return CachingPlan.of(method, cache);
  }
}
