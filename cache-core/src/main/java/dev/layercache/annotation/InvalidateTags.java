package dev.layercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * After the method returns normally, invalidates every entry that depends on these tags. Templates
 * refer to parameters like those of {@link Cached#tags()}; with {@link #fromResult()} the tags the
 * returned {@link ChangedTags} names are invalidated as well.
 *
 * <pre>{@code
 * @InvalidateTags({"user:{0}", "friends:{0}"})
 * void addFriend(long userId, long friendId);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface InvalidateTags {
  /**
   * The tag templates.
   *
   * @return the templates
   */
  String[] value() default {};

  /**
   * Whether the method's result names further tags to invalidate: the method must return a {@link
   * ChangedTags}, which is checked when the proxy is created. A null result adds none.
   *
   * @return true to invalidate the result's tags too
   */
  boolean fromResult() default false;
}
