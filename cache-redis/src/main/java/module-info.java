/**
 * LayerCache Redis backend on Jedis: standalone (pooled), Sentinel and Cluster. Exports only the
 * entry points, {@link dev.layercache.redis.RedisBackend} and the near caches' invalidation bus
 * {@link dev.layercache.redis.RedisInvalidationBus}.
 */
module dev.layercache.redis {
  requires transitive dev.layercache.core;
  requires com.github.benmanes.caffeine;
  // Transitive: Builder.client(UnifiedJedis) takes the application's own Jedis client.
  requires transitive redis.clients.jedis;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.layercache.redis;
}
