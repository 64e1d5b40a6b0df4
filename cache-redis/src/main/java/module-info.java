/**
 * LayerCache Redis backend on Jedis: standalone (pooled), Sentinel and Cluster. Exports only the
 * entry point, {@link dev.layercache.redis.RedisBackend}.
 */
module dev.layercache.redis {
  requires transitive dev.layercache.core;
  // Transitive: Builder.client(UnifiedJedis) takes the application's own Jedis client.
  requires transitive redis.clients.jedis;
  requires static org.jspecify;

  exports dev.layercache.redis;
}
