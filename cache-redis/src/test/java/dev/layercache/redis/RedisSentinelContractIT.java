package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/** The Redis backend reaching a real master through a real sentinel passes the backend contract. */
class RedisSentinelContractIT extends RedisContractTest {
  @TempDir static Path dir;
  private static RedisTestSentinel servers;
  private static UnifiedJedis admin;

  @BeforeAll
  static void start() {
    servers = RedisTestSentinel.start(dir, 0);
    admin = AdminClients.pooled(servers.firstMaster().host(), servers.firstMaster().port());
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Override
  protected CacheBackend createBackend() {
    return patient(
            RedisBackend.builder().sentinel(RedisTestSentinel.MASTER_NAME, servers.sentinels()))
        .build();
  }

  @Override
  protected UnifiedJedis admin() {
    return admin;
  }
}
