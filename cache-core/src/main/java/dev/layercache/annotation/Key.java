package dev.layercache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter as part of the cache key of a {@link Cached} or {@link Evict} method. When no
 * parameter is marked, all are. Key parameters must be of a type {@link dev.layercache.CacheKey}
 * supports.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Key {}
