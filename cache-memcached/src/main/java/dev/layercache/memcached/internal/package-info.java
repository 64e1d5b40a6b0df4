/** Machinery of the Memcached backend: the pool layout with its node fences, and transcoding. */
@NullMarked
package dev.layercache.memcached.internal;

import org.jspecify.annotations.NullMarked;
