package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.UnifiedJedis;

/**
 * The backend contract on a Redis topology: losing a tag version is a {@code DEL} and a foreign
 * entry is random bytes, both written by a plain client of the same servers.
 */
abstract class RedisContractTest extends BackendContractTest {
  /**
   * A plain client of the servers the backend under test uses.
   *
   * @return the client
   */
  protected abstract UnifiedJedis admin();

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    admin().del(tagKey.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    admin().set(entryKey.getBytes(StandardCharsets.UTF_8), randomBytes());
  }

  static byte[] randomBytes() {
    byte[] b = new byte[64];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] = '#'; // never the entry magic
    return b;
  }
}
