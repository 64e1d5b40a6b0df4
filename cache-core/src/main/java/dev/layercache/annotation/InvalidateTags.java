package dev.layercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * After the method returns normally, invalidates every entry that depends on these tags. Templates
 * refer to parameters like those of {@link Cached#tags()}.
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
  String[] value();
}
