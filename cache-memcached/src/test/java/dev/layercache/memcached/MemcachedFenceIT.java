package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheBackendException;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.memcached.internal.PoolLayout;
import dev.layercache.testkit.PartitionProxy;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tag bump that node A never receives, while A keeps its data, still invalidates: the writer
 * bumps A's fence on node B instead, and every application server sees it.
 *
 * <p>A pool of A and B; every application server reaches A through a {@link PartitionProxy}. A
 * value tagged T is cached with its entry, its own tag and T's version all on A. The network to A
 * is cut, a second application server invalidates T (its {@code incr} to A is dropped, times out,
 * and A's fence on B is bumped) and then goes away, as a server that is redeployed or crashes, so
 * no retry of its own survives. The network heals; A still holds T's old version, which the test
 * reads from A directly: the bump is lost for good. A fresh application server and the one that
 * cached the value must not serve it. (Freezing A with {@code kill -STOP} cannot lose the bump: A
 * executes it when it resumes, see {@link PartitionProxy}.)
 *
 * <p>The second test runs the same partition and then puts A's fence on B back to its value from
 * before the partition, which is what a pool without fences would hold: nothing anywhere records
 * the lost bump, and both servers serve the invalidated value. So the first test fails if the fence
 * does not do its work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemcachedFenceIT {
  private static final String NS = "fence";

  private static String address(ServerProcess p) {
    return p.host() + ":" + p.port();
  }

  /**
   * An application server. Only the writer's calls to A, sent during the cut, are meant to time
   * out: the timeouts are long enough that no call to a reachable node times out on a busy machine
   * (which would turn a hit into a miss, and an unprotected stale read into a passing test).
   */
  private static LayerCache applicationServer(String servers) {
    return applicationServer(servers, Duration.ofSeconds(5));
  }

  private static LayerCache applicationServer(String servers, Duration operationTimeout) {
    return LayerCache.builder()
        .namespace(NS)
        .backend(
            MemcachedBackend.builder()
                .servers(servers)
                .operationTimeout(operationTimeout)
                .maxReconnectDelay(Duration.ofSeconds(1))
                .build())
        .slowCallThreshold(MemcachedTestSupport.PATIENCE)
        .build();
  }

  @Test
  void bumpLostInPartition_isNeverServed_byAnyApplicationServer() throws Exception {
    Observed seen = partitionLosesBump(false);
    assertThat(seen.fenceBumps).as("the bump A did not answer was fenced on B").isEqualTo(1);
    assertThat(seen.fenceAfter).as("A's fence on B").isEqualTo(seen.fenceBefore + 1);
    assertThat(seen.freshServer).as("a fresh application server").isNull();
    assertThat(seen.cachingServer).as("the server that cached the value").isNull();
    assertThat(seen.reloaded).as("both load the new value").containsExactly(2L, 2L);
    assertThat(seen.hitAfterReload).as("and hit it again").isEqualTo(2L);
  }

  @Test
  void bumpLostInPartition_withoutTheFence_isServedStale() throws Exception {
    Observed seen = partitionLosesBump(true);
    assertThat(seen.freshServer).as("a fresh application server").isEqualTo(1L);
    assertThat(seen.cachingServer).as("the server that cached the value").isEqualTo(1L);
  }

  /** What the application servers saw after the partition healed. */
  private static final class Observed {
    long fenceBumps;
    long fenceBefore;
    long fenceAfter;
    @Nullable Long freshServer;
    @Nullable Long cachingServer;
    List<Long> reloaded = List.of();
    @Nullable Long hitAfterReload;
  }

  private static Observed partitionLosesBump(boolean undoFence) throws Exception {
    Observed seen = new Observed();
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port())) {
      String servers = toA.address() + " " + address(b);
      MemcachedClient placement = MemcachedTestSupport.rawClient(servers);
      NodeLocator locator = placement.getNodeLocator();
      placement.shutdown(1, TimeUnit.SECONDS);
      // A key whose entry and own tag live on A, and a tag whose version lives on A.
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", toA.address());
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", toA.address());
      String tagKey = NS + ":~t:" + tag;
      PoolLayout layout = PoolLayout.of(locator, AddrUtil.getAddresses(servers));
      String fenceOfA = layout.fenceKeys(layout.nodeOf(tagKey)).get(0);
      CachePolicy policy =
          CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags(tag).build();
      AtomicLong db = new AtomicLong(1);

      try (LayerCache caching = applicationServer(servers)) {
        assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        assertThat(caching.get(key, Long.class)).as("cached on A").isEqualTo(1L);
        String versionOnA = MemcachedTestSupport.textGet(address(a), tagKey);
        assertThat(versionOnA).as("T's version, stored on A").isNotNull();
        String entryOnA = MemcachedTestSupport.textGet(address(a), key.entryKey(NS));
        assertThat(entryOnA).as("the entry, stored on A").isNotNull();
        String fence = MemcachedTestSupport.textGet(address(b), fenceOfA);
        assertThat(fence).as("A's fence, stored on B").isNotNull();
        seen.fenceBefore = Long.parseLong(fence);

        try (LayerCache writer = applicationServer(servers, Duration.ofSeconds(2))) {
          toA.cut();
          db.set(2);
          writer.invalidateTags(tag);
          seen.fenceBumps = ((MemcachedBackend) writer.backend()).fenceBumps();
        }
        toA.heal();

        assertThat(MemcachedTestSupport.textGet(address(a), tagKey))
            .as("A still holds T's old version: the bump was lost")
            .isEqualTo(versionOnA);
        assertThat(MemcachedTestSupport.textGet(address(a), key.entryKey(NS)))
            .as("and still holds the entry")
            .isEqualTo(entryOnA);
        seen.fenceAfter = Long.parseLong(MemcachedTestSupport.textGet(address(b), fenceOfA));
        if (undoFence) {
          MemcachedTestSupport.textSet(address(b), fenceOfA, fence);
        }

        try (LayerCache fresh = applicationServer(servers)) {
          awaitReachable(fresh, tagKey);
          seen.freshServer = fresh.get(key, Long.class);
          awaitReachable(caching, tagKey);
          seen.cachingServer = caching.get(key, Long.class);
          seen.reloaded =
              List.of(
                  fresh.get(key, Long.class, policy, db::get),
                  caching.get(key, Long.class, policy, db::get));
          seen.hitAfterReload = fresh.get(key, Long.class);
        }
      }
    }
    return seen;
  }

  /** Waits until a server that lost its connection to A in the partition has reconnected. */
  private static void awaitReachable(LayerCache cache, String keyOnA) throws InterruptedException {
    MemcachedBackend backend = (MemcachedBackend) cache.backend();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        backend.tagVersions(List.of(keyOnA), false);
        return;
      } catch (CacheBackendException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not reconnected to A after the partition", e);
        }
        Thread.sleep(50);
      }
    }
  }
}
