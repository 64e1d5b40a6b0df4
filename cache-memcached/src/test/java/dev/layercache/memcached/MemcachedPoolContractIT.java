package dev.layercache.memcached;

import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;

/** The backend contract against a Ketama pool of three real memcached processes. */
class MemcachedPoolContractIT extends BackendContractTest {
  private static final List<ServerProcess> NODES =
      List.of(
          TestServers.startMemcached(), TestServers.startMemcached(), TestServers.startMemcached());
  private static final String SERVERS =
      NODES.get(0).host()
          + ":"
          + NODES.get(0).port()
          + " "
          + NODES.get(1).host()
          + ":"
          + NODES.get(1).port()
          + " "
          + NODES.get(2).host()
          + ":"
          + NODES.get(2).port();
  private static final MemcachedClient RAW = MemcachedTestSupport.rawClient(SERVERS);

  @AfterAll
  static void stopNodes() {
    RAW.shutdown(1, TimeUnit.SECONDS);
    NODES.forEach(ServerProcess::close);
  }

  @Override
  protected CacheBackend createBackend() {
    // The contract is not about timeouts: a busy machine must not turn a hit into a miss.
    return MemcachedBackend.builder()
        .servers(SERVERS)
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
