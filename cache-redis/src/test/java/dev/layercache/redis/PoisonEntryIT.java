package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.PartitionProxy;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * One bad value must not switch the cache off: a 50 MB value planted under a real entry key, which
 * a reader cannot receive within its timeout over a slow link, is deleted after its second failed
 * read, and its failures do not open the circuit breaker for the healthy keys (without the fix, the
 * value stays, every read of it fails, and the breaker opens).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoisonEntryIT {
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).build();

  @Test
  void anEntryTooLargeToReadInTime_isDeleted_andTheBreakerStaysClosed() throws Exception {
    try (ServerProcess server = TestServers.startRedis();
        PartitionProxy link = PartitionProxy.to(server.host(), server.port());
        LayerCache cache =
            LayerCache.builder()
                .namespace("poison")
                // A read timeout and slow-call threshold far above a healthy reply's few
                // milliseconds, so a loaded machine cannot make a healthy read fail: only the
                // planted value's reads time out.
                .slowCallThreshold(Duration.ofSeconds(30))
                .backend(
                    RedisBackend.builder()
                        .standalone("127.0.0.1", link.port())
                        .readTimeout(Duration.ofSeconds(1))
                        .build())
                .build()) {
      AtomicInteger loads = new AtomicInteger();
      for (int i = 0; i < 20; i++) {
        int id = i;
        cache.get(CacheKey.of("healthy", id), String.class, POLICY, () -> "h" + id);
      }
      CacheKey bad = CacheKey.of("profile", 7);
      cache.get(bad, String.class, POLICY, () -> "p7");
      byte[] planted = new byte[50 << 20];
      ThreadLocalRandom.current().nextBytes(planted);
      try (Jedis direct = new Jedis(server.host(), server.port())) {
        direct.set(
            bad.entryKey("poison").getBytes(java.nio.charset.StandardCharsets.UTF_8), planted);
      }
      // 4 KB/s: a reply's 16 KB chunks stall 4 s each, past the 1 s read timeout, while the small
      // replies of the healthy keys take a few tens of milliseconds.
      link.limitDownstream(4L << 10);

      // The bad key is read twice as often as a healthy one: were its failures counted, two
      // thirds of the calls would fail and the breaker (50 %) would open.
      for (int round = 0; round < 20; round++) {
        for (int twice = 0; twice < 2; twice++) {
          assertThat(cache.get(bad, String.class, POLICY, () -> "p7-reloaded"))
              .as("the caller still gets its data")
              .isEqualTo("p7-reloaded");
        }
        for (int i = 0; i < 1; i++) {
          int id = i;
          assertThat(
                  cache.get(
                      CacheKey.of("healthy", id),
                      String.class,
                      POLICY,
                      () -> {
                        loads.incrementAndGet();
                        return "h" + id;
                      }))
              .isEqualTo("h" + id);
        }
      }
      assertThat(loads.get()).as("healthy keys kept hitting: the breaker never opened").isZero();
      try (Jedis direct = new Jedis(server.host(), server.port())) {
        long size =
            direct.strlen(bad.entryKey("poison").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(size)
            .as("the planted value is gone, replaced by the reloaded one")
            .isLessThan(1024);
      }
      link.limitDownstream(0);
      assertThat(cache.get(bad, String.class)).isEqualTo("p7-reloaded");
    }
  }
}
