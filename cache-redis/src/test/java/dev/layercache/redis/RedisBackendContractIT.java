package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import dev.layercache.testkit.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.JedisPooled;

/** The Redis backend against one real server passes the backend contract. */
class RedisBackendContractIT extends BackendContractTest {
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
    return RedisBackend.builder().uri(TestServers.redisUri()).build();
  }

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    admin.del(tagKey.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    admin.set(entryKey.getBytes(StandardCharsets.UTF_8), randomBytes());
  }

  static byte[] randomBytes() {
    byte[] b = new byte[64];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] = '#'; // never the entry magic
    return b;
  }
}
