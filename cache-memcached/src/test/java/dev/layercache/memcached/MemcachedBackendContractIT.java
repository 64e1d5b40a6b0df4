package dev.layercache.memcached;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import dev.layercache.testkit.TestServers;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;

/** The backend contract against one real memcached. */
class MemcachedBackendContractIT extends BackendContractTest {
  private static final String SERVER = TestServers.memcachedAddress();
  private static final MemcachedClient RAW = MemcachedTestSupport.rawClient(SERVER);

  @AfterAll
  static void closeRaw() {
    RAW.shutdown(1, TimeUnit.SECONDS);
  }

  @Override
  protected CacheBackend createBackend() {
    // The contract is not about timeouts: a busy machine must not turn a hit into a miss.
    return MemcachedBackend.builder()
        .servers(SERVER)
        .operationTimeout(MemcachedTestSupport.PATIENCE)
        .build();
  }

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    MemcachedContractHooks.delete(RAW, tagKey);
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    byte[] junk = new byte[64];
    ThreadLocalRandom.current().nextBytes(junk);
    MemcachedContractHooks.plant(RAW, entryKey, junk);
  }
}
