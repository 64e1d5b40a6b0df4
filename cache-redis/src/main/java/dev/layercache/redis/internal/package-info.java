/**
 * How the Redis backend moves bytes: the Lua scripts, a pooled (standalone or Sentinel) store and a
 * Cluster store that batches per node. Not exported.
 */
@NullMarked
package dev.layercache.redis.internal;

import org.jspecify.annotations.NullMarked;
