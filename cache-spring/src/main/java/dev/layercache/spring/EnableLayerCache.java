package dev.layercache.spring;

import dev.layercache.spring.internal.LayerCacheRegistrar;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Turns LayerCache on for the Spring beans of an application context. Put it on a configuration
 * class next to a {@link dev.layercache.LayerCache} bean.
 *
 * <pre>{@code
 * @Configuration
 * @EnableLayerCache
 * @EnableCaching  // only for Spring's @Cacheable over a LayerCacheManager
 * class CacheConfig {
 *   @Bean LayerCache layerCache() { ... }
 *   @Bean LayerCacheManager cacheManager(LayerCache cache) {
 *     return LayerCacheManager.builder(cache).build();
 *   }
 * }
 * }</pre>
 *
 * It registers:
 *
 * <ul>
 *   <li>a {@link LayerCacheAdvisor}, so that {@link dev.layercache.annotation.Cached}, {@link
 *       dev.layercache.annotation.Evict} and {@link dev.layercache.annotation.InvalidateTags} work
 *       on beans with no manual proxy, evictions in transactions being locked at the call and
 *       applied at the commit;
 *   <li>an auto-proxy creator, unless the context has one;
 *   <li>what a {@link LayerCacheManager} needs under Spring's {@code @EnableCaching}: the scope of
 *       each cached call (so that the put after a {@code @Cacheable} method fills the lookup made
 *       before it, and records what the method read) and the allow-list of value types, read from
 *       the return types of the beans' {@code @Cacheable} and {@code @CachePut} methods.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(LayerCacheRegistrar.class)
@SuppressWarnings("exports") // the registrar is machinery Spring reaches through this annotation
public @interface EnableLayerCache {
  /**
   * The name of the {@link dev.layercache.LayerCache} bean the annotations use.
   *
   * @return the bean name; empty for the context's only {@code LayerCache}
   */
  String cache() default "";

  /**
   * The order of the {@link LayerCacheAdvisor} among a bean's aspects.
   *
   * @return the order; default {@link LayerCacheAdvisor#DEFAULT_ORDER}
   */
  int order() default LayerCacheAdvisor.DEFAULT_ORDER;

  /**
   * How long a write's lock holds at most if its release is lost, in the syntax of {@link
   * dev.layercache.annotation.DurationFormat} ({@code 30s}, {@code PT30S}).
   *
   * @return the time; default 30 seconds
   */
  String maxLockTime() default "30s";

  /**
   * Whether beans are proxied by subclassing their class rather than through their interfaces.
   *
   * @return true for class proxies
   */
  boolean proxyTargetClass() default false;
}
