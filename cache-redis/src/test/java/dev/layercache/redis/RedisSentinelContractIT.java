package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/** The Redis backend reaching a real master through a real sentinel passes the backend contract. */
class RedisSentinelContractIT extends BackendContractTest {
  @TempDir static Path dir;
  private static RedisTestSentinel servers;
  private static JedisPooled admin;

  @BeforeAll
  static void start() {
    servers = RedisTestSentinel.start(dir, 0);
    admin = new JedisPooled(servers.firstMaster().host(), servers.firstMaster().port());
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
    return RedisBackend.builder()
        .sentinel(RedisTestSentinel.MASTER_NAME, servers.sentinels())
        .build();
  }

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    admin.del(tagKey.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    admin.set(entryKey.getBytes(StandardCharsets.UTF_8), RedisBackendContractIT.randomBytes());
  }
}
