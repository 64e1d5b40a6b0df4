package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node that misses a tag bump and comes back with its old data cannot serve what the bump
 * invalidated: its fence, kept on the neighbouring node, was bumped instead.
 *
 * <p>The bump is sent while node A is frozen ({@code kill -STOP}), so it times out and the writer
 * fences A. A frozen process still receives what its kernel buffered, so after {@code kill -CONT}
 * the late {@code incr} arrives; the test then puts A's old tag version back with a raw client,
 * which is exactly what A would hold had the {@code incr} been lost on the network. From then on
 * A's tag version equals the one the old entry recorded: only the fence keeps the old entry from
 * being served, so this test fails if fencing is removed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemcachedFenceIT {
  private static final String NS = "fence";

  private static String address(ServerProcess p) {
    return p.host() + ":" + p.port();
  }

  private static LayerCache cache(String servers) {
    return LayerCache.builder()
        .namespace(NS)
        .backend(
            MemcachedBackend.builder()
                .servers(servers)
                .operationTimeout(Duration.ofMillis(200))
                .build())
        .build();
  }

  @Test
  void nodeThatMissedABump_cannotServeWhatItInvalidated() throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached()) {
      String servers = address(a) + " " + address(b);
      MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
      try {
        NodeLocator locator = raw.getNodeLocator();
        // A key whose entry and own tag live on A, and a tag whose version lives on A.
        CacheKey key = null;
        for (int i = 0; key == null; i++) {
          CacheKey k = CacheKey.of("row", i);
          if (MemcachedTestSupport.nodeOf(locator, k.entryKey(NS)).equals(address(a))
              && MemcachedTestSupport.nodeOf(locator, k.keyTagKey(NS)).equals(address(a))) {
            key = k;
          }
        }
        String tag = null;
        for (int i = 0; tag == null; i++) {
          String t = "table:" + i;
          if (MemcachedTestSupport.nodeOf(locator, NS + ":~t:" + t).equals(address(a))) {
            tag = t;
          }
        }
        String tagKey = NS + ":~t:" + tag;
        CachePolicy policy =
            CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags(tag).build();
        AtomicLong db = new AtomicLong(1);
        try (LayerCache reader = cache(servers);
            LayerCache writer = cache(servers)) {
          assertThat(reader.get(key, Long.class, policy, db::get)).isEqualTo(1L);
          assertThat(reader.get(key, Long.class)).as("cached on A").isEqualTo(1L);
          Object before = raw.get(tagKey);
          assertThat(before).as("tag version stored on A").isNotNull();

          a.pause();
          try {
            db.set(2);
            writer.invalidateTags(tag);
          } finally {
            a.resume();
          }
          assertThat(((MemcachedBackend) writer.backend()).fenceBumps())
              .as("the bump A did not answer was fenced on B")
              .isPositive();

          // A comes back holding the version the old entry was stored with.
          Thread.sleep(300);
          assertThat(raw.set(tagKey, 0, before).get(2, TimeUnit.SECONDS)).isTrue();
          assertThat(raw.get(tagKey)).isEqualTo(before);

          try (LayerCache fresh = cache(servers)) {
            assertThat(fresh.get(key, Long.class)).as("a new application server").isNull();
            assertThat(reader.get(key, Long.class)).as("the server that cached it").isNull();
            assertThat(fresh.get(key, Long.class, policy, db::get)).isEqualTo(2L);
            assertThat(reader.get(key, Long.class, policy, () -> -1L)).isEqualTo(2L);
          }
        }
      } finally {
        raw.shutdown(1, TimeUnit.SECONDS);
      }
    }
  }
}
