/**
 * Annotations for object caching: mark the methods of a domain assembler that build an object from
 * the database ({@link dev.layercache.annotation.Cached}) and the methods that change data ({@link
 * dev.layercache.annotation.Evict}, {@link dev.layercache.annotation.InvalidateTags}), then wrap
 * the assembler with {@link dev.layercache.ObjectCaching#proxy}.
 */
@NullMarked
package dev.layercache.annotation;

import org.jspecify.annotations.NullMarked;
