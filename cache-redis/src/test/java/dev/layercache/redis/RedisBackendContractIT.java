package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.UnifiedJedis;

/** The Redis backend against one real server passes the backend contract. */
class RedisBackendContractIT extends RedisContractTest {
  private static UnifiedJedis admin;

  @BeforeAll
  static void connect() {
    admin = AdminClients.pooled(java.net.URI.create(TestServers.redisUri()));
  }

  @AfterAll
  static void disconnect() {
    admin.close();
  }

  @Override
  protected CacheBackend createBackend() {
    return patient(RedisBackend.builder().uri(TestServers.redisUri())).build();
  }

  @Override
  protected UnifiedJedis admin() {
    return admin;
  }
}
