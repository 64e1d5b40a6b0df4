package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis backend reading through its Lua script, as it does on servers before Redis 7.0, passes
 * the backend contract against one real server.
 */
class RedisScriptedReadsContractIT extends RedisContractTest {
  private static JedisPooled admin;

  @BeforeAll
  static void connect() {
    admin = new JedisPooled(java.net.URI.create(TestServers.redisUri()));
  }

  @AfterAll
  static void disconnect() {
    admin.close();
  }

  @Override
  protected CacheBackend createBackend() {
    return RedisBackend.builder().uri(TestServers.redisUri()).scriptedReads(true).build();
  }

  @Override
  protected UnifiedJedis admin() {
    return admin;
  }
}
