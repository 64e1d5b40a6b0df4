package dev.layercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * After the method returns normally, evicts the entry of the named cache whose key is the method's
 * {@link Key} parameters (all parameters when none is marked). A load of that key that began before
 * the eviction cannot put its older value back.
 *
 * <pre>{@code
 * @Evict(name = "article")
 * void updateTitle(@Key long articleId, String title);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(Evict.List.class)
public @interface Evict {
  /**
   * The cache name used by the {@link Cached} method whose entry this evicts.
   *
   * @return the name
   */
  String name();

  /** Several evictions on one method. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface List {
    /**
     * The evictions.
     *
     * @return the evictions
     */
    Evict[] value();
  }
}
