/**
 * The Redis backend: {@link dev.layercache.redis.RedisBackend}, built once and handed to {@link
 * dev.layercache.LayerCache.Builder#backend}.
 */
@NullMarked
package dev.layercache.redis;

import org.jspecify.annotations.NullMarked;
