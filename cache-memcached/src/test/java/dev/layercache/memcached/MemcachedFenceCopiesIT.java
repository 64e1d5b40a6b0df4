package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheBackendException;
import dev.layercache.CacheInvalidationException;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.memcached.internal.PoolLayout;
import dev.layercache.testkit.PartitionProxy;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In a pool of three nodes every node's fence has a copy on each of the two other nodes, so one
 * node down takes away its own keys and nothing else, and no invalidation is lost on the way.
 *
 * <p>Nodes are taken down by killing their process ({@code SIGKILL}) or cutting a {@link
 * PartitionProxy}, and the tests look only at outcomes (values served, loader calls, exceptions),
 * never at whether the client has noticed. Where it matters, a parameter names which of the other
 * nodes is down, so that each copy of a fence (on the next node, and on the one after it) is in
 * turn the one left.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MemcachedFenceCopiesIT {
  private static final String NS = "copies";
  private static final int KEYS_PER_NODE = 4;
  private static final int ROUNDS = 2;

  private static String address(ServerProcess p) {
    return p.host() + ":" + p.port();
  }

  /**
   * An application server. Calls to a cut-off node give up after {@code operationTimeout}; calls to
   * a reachable node never take that long on a busy machine.
   */
  private static LayerCache applicationServer(
      String servers, Duration operationTimeout, boolean strict) {
    return LayerCache.builder()
        .namespace(NS)
        .backend(
            MemcachedBackend.builder()
                .servers(servers)
                .operationTimeout(operationTimeout)
                .maxReconnectDelay(Duration.ofSeconds(1))
                .build())
        .slowCallThreshold(MemcachedTestSupport.PATIENCE)
        .strictInvalidation(strict)
        .build();
  }

  private static LayerCache applicationServer(String servers) {
    return applicationServer(servers, Duration.ofSeconds(5), false);
  }

  private static NodeLocator placement(String servers) {
    MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
    NodeLocator locator = raw.getNodeLocator();
    raw.shutdown(1, TimeUnit.SECONDS);
    return locator;
  }

  private static CachePolicy tagged(String tag) {
    return CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags(tag).build();
  }

  @ParameterizedTest(name = "node {0} of 3 down")
  @ValueSource(ints = {0, 1, 2})
  void oneNodeOfThreeDown_keysOfTheOtherNodesStillHit_andItsOwnKeysLoadFromTheSource(int down)
      throws Exception {
    List<ServerProcess> nodes =
        List.of(
            TestServers.startMemcached(),
            TestServers.startMemcached(),
            TestServers.startMemcached());
    try {
      String servers =
          address(nodes.get(0)) + " " + address(nodes.get(1)) + " " + address(nodes.get(2));
      NodeLocator locator = placement(servers);
      // On each node: keys whose entry and own tag live there, tagged with a tag whose version
      // lives there too. The fences of the node live on the two others.
      List<List<CacheKey>> keys = new ArrayList<>();
      List<CachePolicy> policies = new ArrayList<>();
      for (ServerProcess n : nodes) {
        keys.add(MemcachedTestSupport.keysOn(locator, NS, "row", address(n), KEYS_PER_NODE));
        policies.add(tagged(MemcachedTestSupport.tagOn(locator, NS, "table:", address(n))));
      }
      AtomicLongArray loads = new AtomicLongArray(nodes.size());
      try (LayerCache cache = applicationServer(servers, MemcachedTestSupport.PATIENCE, false)) {
        for (int n = 0; n < nodes.size(); n++) {
          for (int i = 0; i < KEYS_PER_NODE; i++) {
            assertThat(read(cache, keys, policies, loads, n, i)).isEqualTo(value(n, i));
          }
          assertThat(loads.get(n))
              .as("first reads of node %s's keys load", n)
              .isEqualTo(KEYS_PER_NODE);
        }
        for (int n = 0; n < nodes.size(); n++) {
          for (int i = 0; i < KEYS_PER_NODE; i++) {
            assertThat(cache.get(keys.get(n).get(i), Long.class)).as("cached").isNotNull();
          }
        }

        nodes.get(down).kill();
        long hits = 0;
        long reads = 0;
        // One key of each node in turn, so the dead node's failed reads are a third of all calls
        // at any time, as they would be under an even load.
        for (int round = 0; round < ROUNDS; round++) {
          for (int i = 0; i < KEYS_PER_NODE; i++) {
            for (int n = 0; n < nodes.size(); n++) {
              long before = loads.get(n);
              assertThat(read(cache, keys, policies, loads, n, i))
                  .as("node %s's key %s, round %s", n, i, round)
                  .isEqualTo(value(n, i));
              reads++;
              if (loads.get(n) == before) {
                hits++;
              }
            }
          }
        }
        for (int n = 0; n < nodes.size(); n++) {
          if (n != down) {
            assertThat(loads.get(n))
                .as("node %s is up: its keys are served from the cache, nothing loads", n)
                .isEqualTo(KEYS_PER_NODE);
          }
        }
        assertThat(loads.get(down))
            .as("node %s is down: each read of its keys loads from the source", down)
            .isEqualTo(KEYS_PER_NODE + ROUNDS * KEYS_PER_NODE);
        assertThat((double) hits / reads)
            .as("hit ratio with one node of three down")
            .isEqualTo(2.0 / 3);
        // Closing waits for every node's queue: bring the node back rather than wait for a timeout.
        nodes.get(down).restart();
      }
    } finally {
      nodes.forEach(ServerProcess::close);
    }
  }

  private static long value(int node, int i) {
    return 100L * node + i;
  }

  private static Long read(
      LayerCache cache,
      List<List<CacheKey>> keys,
      List<CachePolicy> policies,
      AtomicLongArray loads,
      int node,
      int i) {
    return cache.get(
        keys.get(node).get(i),
        Long.class,
        policies.get(node),
        () -> {
          loads.incrementAndGet(node);
          return value(node, i);
        });
  }

  /**
   * Node A is cut off while a tag whose version lives on A is invalidated: the writer bumps A's
   * fence on both other nodes instead, and goes away. One of those nodes then dies, and A comes
   * back with its data, still holding the tag's old version and the entry. Every application server
   * reads A's fence from the copy that is left, and none serves the old value.
   */
  @ParameterizedTest(name = "other node {0} down after the bump")
  @ValueSource(ints = {0, 1})
  void bumpLostWhileNodeCutOff_nodeBackWithOldData_oneFenceCopyLeft_isNeverServed(int copyDown)
      throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        ServerProcess c = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port())) {
      List<ServerProcess> others = List.of(b, c);
      String servers = toA.address() + " " + address(b) + " " + address(c);
      NodeLocator locator = placement(servers);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", toA.address());
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", toA.address());
      String tagKey = NS + ":~t:" + tag;
      CachePolicy policy = tagged(tag);
      AtomicLong db = new AtomicLong(1);

      try (LayerCache caching = applicationServer(servers)) {
        assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        assertThat(caching.get(key, Long.class)).as("cached on A").isEqualTo(1L);
        String versionOnA = MemcachedTestSupport.textGet(address(a), tagKey);
        assertThat(versionOnA).as("the tag's version, stored on A").isNotNull();

        try (LayerCache writer = applicationServer(servers, Duration.ofSeconds(2), true)) {
          toA.cut();
          db.set(2);
          // Strict: this throws unless the bump was delivered, here by A's fence.
          writer.invalidateTags(tag);
          assertThat(writer.hasPendingInvalidations()).as("delivered").isFalse();
        }
        others.get(copyDown).kill();
        toA.heal();
        assertThat(MemcachedTestSupport.textGet(address(a), tagKey))
            .as("A still holds the tag's old version: the bump was lost")
            .isEqualTo(versionOnA);

        try (LayerCache fresh = applicationServer(servers)) {
          assertNeverServedStale(fresh, caching, key, policy, db, tagKey);
        }
      }
    }
  }

  /**
   * The test above without the copy that is left: it is put back to its value from before the
   * partition, as if the bump had never reached it. Nothing then records the lost bump where the
   * readers look, and both servers serve the invalidated value; so the test above fails if the copy
   * it reads does not do its work.
   */
  @Test
  void bumpLostWhileNodeCutOff_theCopyLeftPutBack_isServedStale() throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        ServerProcess c = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port())) {
      String servers = toA.address() + " " + address(b) + " " + address(c);
      NodeLocator locator = placement(servers);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", toA.address());
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", toA.address());
      String tagKey = NS + ":~t:" + tag;
      CachePolicy policy = tagged(tag);
      AtomicLong db = new AtomicLong(1);
      PoolLayout layout = PoolLayout.of(locator, AddrUtil.getAddresses(servers));
      List<String> copies = layout.fenceKeys(layout.nodeOf(tagKey));
      String copyOnC =
          copies.stream()
              .filter(k -> MemcachedTestSupport.nodeOf(locator, k).equals(address(c)))
              .findFirst()
              .orElseThrow();

      try (LayerCache caching = applicationServer(servers)) {
        assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        String before = MemcachedTestSupport.textGet(address(c), copyOnC);
        assertThat(before).as("A's fence, on C").isNotNull();
        try (LayerCache writer = applicationServer(servers, Duration.ofSeconds(2), true)) {
          toA.cut();
          db.set(2);
          writer.invalidateTags(tag);
        }
        assertThat(Long.parseLong(MemcachedTestSupport.textGet(address(c), copyOnC)))
            .as("A's fence on C, bumped")
            .isGreaterThan(Long.parseLong(before));
        b.kill();
        MemcachedTestSupport.textSet(address(c), copyOnC, before);
        toA.heal();

        try (LayerCache fresh = applicationServer(servers)) {
          awaitReachable(fresh, tagKey);
          assertThat(fresh.get(key, Long.class)).as("a fresh application server").isEqualTo(1L);
          awaitReachable(caching, tagKey);
          assertThat(caching.get(key, Long.class)).as("the caching server").isEqualTo(1L);
        }
      }
    }
  }

  /**
   * A copy of a node's fence that is lost (its node restarted, or memcached evicted it) never
   * validates an entry, although the other copy still holds the fence the entry was stored with.
   * The next read-through re-creates it, raising both copies to one new value: they agree again, so
   * that a reader left with either copy alone still hits.
   */
  @ParameterizedTest(name = "copy {0} lost")
  @ValueSource(ints = {0, 1})
  void lostFenceCopy_neverValidatesAnEntry_andOnceReCreatedTheCopiesAgree(int lost)
      throws Exception {
    List<ServerProcess> nodes =
        List.of(
            TestServers.startMemcached(),
            TestServers.startMemcached(),
            TestServers.startMemcached());
    try {
      String servers =
          address(nodes.get(0)) + " " + address(nodes.get(1)) + " " + address(nodes.get(2));
      NodeLocator locator = placement(servers);
      String home = address(nodes.get(0));
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", home);
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", home);
      CachePolicy policy = tagged(tag);
      PoolLayout layout = PoolLayout.of(locator, AddrUtil.getAddresses(servers));
      List<String> copies = layout.fenceKeys(layout.nodeOf(NS + ":~t:" + tag));
      List<String> holders = new ArrayList<>();
      for (String copy : copies) {
        holders.add(MemcachedTestSupport.nodeOf(locator, copy));
      }
      assertThat(holders)
          .as("the copies live on the two other nodes")
          .containsExactlyInAnyOrder(address(nodes.get(1)), address(nodes.get(2)));
      MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
      AtomicLong loads = new AtomicLong();
      try (LayerCache cache = applicationServer(servers, MemcachedTestSupport.PATIENCE, false)) {
        assertThat(cache.get(key, Long.class, policy, loads::incrementAndGet)).isEqualTo(1L);
        assertThat(cache.get(key, Long.class)).as("cached").isEqualTo(1L);
        String fence = MemcachedTestSupport.textGet(holders.get(0), copies.get(0));
        assertThat(fence).as("the fence, created").isNotNull();
        assertThat(MemcachedTestSupport.textGet(holders.get(1), copies.get(1)))
            .as("created equal")
            .isEqualTo(fence);

        MemcachedContractHooks.delete(raw, copies.get(lost));
        assertThat(cache.get(key, Long.class))
            .as("a lost copy never validates an entry, whatever the other copy holds")
            .isNull();
        assertThat(cache.get(key, Long.class, policy, loads::incrementAndGet)).isEqualTo(2L);
        String first = MemcachedTestSupport.textGet(holders.get(0), copies.get(0));
        String second = MemcachedTestSupport.textGet(holders.get(1), copies.get(1));
        assertThat(first).as("re-created").isNotNull().isEqualTo(second);
        assertThat(Long.parseLong(first))
            .as("above what it held")
            .isGreaterThan(Long.parseLong(fence));

        // The node holding the copy that was not lost goes down: the re-created copy alone
        // validates the entry stored after the re-creation.
        ServerProcess keeper =
            nodes.stream()
                .filter(n -> address(n).equals(holders.get(1 - lost)))
                .findFirst()
                .orElseThrow();
        keeper.kill();
        assertThat(cache.get(key, Long.class, policy, loads::incrementAndGet))
            .as("served with one copy left")
            .isEqualTo(2L);
        assertThat(loads).hasValue(2);
        // Closing waits for every node's queue: bring the node back rather than wait for a timeout.
        keeper.restart();
      } finally {
        raw.shutdown(1, TimeUnit.SECONDS);
      }
    } finally {
      nodes.forEach(ServerProcess::close);
    }
  }

  /** As above, but A comes back restarted, empty, while one node holding its fence is down. */
  @Test
  void bumpLostWhileNodeCutOff_nodeRestartedEmpty_oneFenceCopyLeft_isNeverServed()
      throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        ServerProcess c = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port())) {
      String servers = toA.address() + " " + address(b) + " " + address(c);
      NodeLocator locator = placement(servers);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", toA.address());
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", toA.address());
      String tagKey = NS + ":~t:" + tag;
      CachePolicy policy = tagged(tag);
      AtomicLong db = new AtomicLong(1);

      try (LayerCache caching = applicationServer(servers)) {
        assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        assertThat(caching.get(key, Long.class)).as("cached on A").isEqualTo(1L);
        try (LayerCache writer = applicationServer(servers, Duration.ofSeconds(2), true)) {
          toA.cut();
          db.set(2);
          writer.invalidateTags(tag);
        }
        a.restart();
        c.kill();
        toA.heal();
        try (LayerCache fresh = applicationServer(servers)) {
          assertNeverServedStale(fresh, caching, key, policy, db, tagKey);
        }
      }
    }
  }

  /**
   * A is cut off, and so is one of the two nodes holding A's fence, when a tag whose version lives
   * on A is invalidated: the fence reaches one copy only, and the invalidation is reported
   * undelivered (strict invalidation throws) and kept for retry. Once the copy's node is back, the
   * retry reaches both copies while A is still cut off. Then the node that held the other copy all
   * along dies, so readers see only the copy that missed the first attempt, and A comes back with
   * its old data: nothing stale is served.
   */
  @ParameterizedTest(name = "other node {0} cut off during the bump")
  @ValueSource(ints = {0, 1})
  void fenceCopyCutOffDuringBump_bumpIsReportedUndelivered_andNeverServedStale(int cutCopy)
      throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        ServerProcess c = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port());
        PartitionProxy toB = PartitionProxy.to(b.host(), b.port());
        PartitionProxy toC = PartitionProxy.to(c.host(), c.port())) {
      List<ServerProcess> others = List.of(b, c);
      List<PartitionProxy> toOthers = List.of(toB, toC);
      String servers = toA.address() + " " + toB.address() + " " + toC.address();
      NodeLocator locator = placement(servers);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", toA.address());
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", toA.address());
      String tagKey = NS + ":~t:" + tag;
      CachePolicy policy = tagged(tag);
      AtomicLong db = new AtomicLong(1);

      try (LayerCache caching = applicationServer(servers)) {
        assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        assertThat(caching.get(key, Long.class)).as("cached on A").isEqualTo(1L);
        String versionOnA = MemcachedTestSupport.textGet(address(a), tagKey);

        try (LayerCache writer = applicationServer(servers, Duration.ofSeconds(2), true)) {
          toA.cut();
          toOthers.get(cutCopy).cut();
          db.set(2);
          assertThatThrownBy(() -> writer.invalidateTags(tag))
              .as("a fence that reached one copy of two is not delivered")
              .isInstanceOf(CacheInvalidationException.class);
          assertThat(writer.hasPendingInvalidations()).as("kept for retry").isTrue();
          toOthers.get(cutCopy).heal();
          awaitDelivered(writer);
        }
        int keptCopy = 1 - cutCopy;
        others.get(keptCopy).kill();
        toOthers.get(keptCopy).close();
        toA.heal();
        assertThat(MemcachedTestSupport.textGet(address(a), tagKey))
            .as("A still holds the tag's old version: the bump was lost")
            .isEqualTo(versionOnA);

        try (LayerCache fresh = applicationServer(servers)) {
          assertNeverServedStale(fresh, caching, key, policy, db, tagKey);
        }
      }
    }
  }

  /**
   * A fresh application server and the one that cached the value before the invalidation miss, load
   * the new value, and hit it again.
   */
  private static void assertNeverServedStale(
      LayerCache fresh,
      LayerCache caching,
      CacheKey key,
      CachePolicy policy,
      AtomicLong db,
      String tagKeyOnA)
      throws InterruptedException {
    awaitReachable(fresh, tagKeyOnA);
    assertThat(fresh.get(key, Long.class)).as("a fresh application server").isNull();
    awaitReachable(caching, tagKeyOnA);
    assertThat(caching.get(key, Long.class)).as("the server that cached the value").isNull();
    assertThat(fresh.get(key, Long.class, policy, db::get)).isEqualTo(2L);
    assertThat(caching.get(key, Long.class, policy, db::get)).isEqualTo(2L);
    assertThat(fresh.get(key, Long.class)).as("the new value is cached").isEqualTo(2L);
    assertThat(caching.get(key, Long.class)).as("the new value is cached").isEqualTo(2L);
  }

  /** Waits until a retry of the writer delivered its pending invalidation. */
  private static void awaitDelivered(LayerCache writer) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (writer.hasPendingInvalidations()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the pending invalidation was never delivered");
      }
      Thread.sleep(50);
    }
  }

  /**
   * Waits until a server reads a version key on A, with the fences it needs: reconnected to A after
   * the partition.
   */
  private static void awaitReachable(LayerCache cache, String keyOnA) throws InterruptedException {
    MemcachedBackend backend = (MemcachedBackend) cache.backend();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        backend.tagVersions(List.of(keyOnA), false);
        return;
      } catch (CacheBackendException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("A's versions not readable after the partition", e);
        }
        Thread.sleep(50);
      }
    }
  }
}
