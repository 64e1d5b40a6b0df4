/**
 * LayerCache public API: {@link dev.layercache.LayerCache}, {@link dev.layercache.CacheKey}, {@link
 * dev.layercache.CachePolicy} and the {@link dev.layercache.CacheException} family.
 */
@NullMarked
package dev.layercache;

import org.jspecify.annotations.NullMarked;
