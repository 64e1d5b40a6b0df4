package dev.layercache.redis;

import dev.layercache.near.NearCacheBackend;
import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.UnifiedJedis;

/**
 * A near cache over the Redis backend, kept coherent by the Redis invalidation bus, passes the
 * backend contract: the near level changes nothing a single process can observe.
 */
class NearCacheContractIT extends RedisContractTest {
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
    return NearCaches.live(
        NearCacheBackend.builder(
                patient(RedisBackend.builder().uri(TestServers.redisUri())).build(),
                RedisInvalidationBus.builder().uri(TestServers.redisUri()).timeout(PATIENT).build())
            .build());
  }

  @Override
  protected UnifiedJedis admin() {
    return admin;
  }
}
