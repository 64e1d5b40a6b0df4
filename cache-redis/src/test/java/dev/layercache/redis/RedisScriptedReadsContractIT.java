package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.TestServers;

/**
 * The Redis backend reading through its Lua script, as it does on servers before Redis 7.0, passes
 * the backend contract against one real server.
 */
class RedisScriptedReadsContractIT extends RedisBackendContractIT {
  @Override
  protected CacheBackend createBackend() {
    return patient(RedisBackend.builder().uri(TestServers.redisUri())).scriptedReads(true).build();
  }
}
