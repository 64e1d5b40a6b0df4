package dev.layercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches what the method returns, keyed by its name and its {@link Key} parameters (all parameters
 * when none is marked).
 *
 * <pre>{@code
 * @Cached(name = "article", ttl = "PT10M", tags = {"article:{0}", "user:{author}"})
 * ArticlePage article(long id, long author);
 * }</pre>
 *
 * Tag templates refer to parameters by position ({@code {0}}) or by name ({@code {author}}, when
 * the code is compiled with {@code -parameters}). Besides its tags, the cached object depends on
 * every table its queries read through a {@code CachingDataSource} and on every cached object it
 * was assembled from, with no annotation needed.
 *
 * <p>The method must return a value the codec can rebuild from its generic return type (records,
 * classes with a creator, {@code List<Friend>}, {@code Optional<T>}); this is checked when the
 * proxy is created.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {
  /**
   * The cache name, the first part of every key (1 to 64 characters from {@code [A-Za-z0-9_.-]}).
   *
   * @return the name
   */
  String name();

  /**
   * Time to live, as an ISO-8601 duration ({@code PT10M}) or a number and a unit ({@code 10m},
   * {@code 30s}, {@code 500ms}; see {@link DurationFormat}); empty for the default of {@link
   * dev.layercache.CachePolicy#DEFAULT_TTL}.
   *
   * @return the TTL
   */
  String ttl() default "";

  /**
   * Soft time to live: after it the old value is served while one background reload runs. Same
   * syntax as {@link #ttl()}; empty for none.
   *
   * @return the soft TTL
   */
  String softTtl() default "";

  /**
   * Tag templates the cached object depends on.
   *
   * @return the templates
   */
  String[] tags() default {};

  /**
   * Whether a null result is cached.
   *
   * @return true to cache nulls
   */
  boolean cacheNulls() default false;
}
