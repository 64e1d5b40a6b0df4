/**
 * The near cache: an in-process level in front of a remote backend, kept coherent by an
 * invalidation bus.
 */
@NullMarked
package dev.layercache.near;

import org.jspecify.annotations.NullMarked;
