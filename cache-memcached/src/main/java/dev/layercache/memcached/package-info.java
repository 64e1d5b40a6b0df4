/**
 * The Memcached backend: {@link dev.layercache.memcached.MemcachedBackend}, built with {@link
 * dev.layercache.memcached.MemcachedBackend#builder()}.
 */
@NullMarked
package dev.layercache.memcached;

import org.jspecify.annotations.NullMarked;
