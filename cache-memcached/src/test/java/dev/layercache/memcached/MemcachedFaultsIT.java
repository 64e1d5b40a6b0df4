package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spi.StoredEntry;
import dev.layercache.testkit.PartitionProxy;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real faults on real memcached processes: a frozen node, a killed and restarted node, a node that
 * is down while another holds copies of its keys, eviction under memory pressure, values planted by
 * another client, oversized entries, and the number of round trips a hit costs, counted by the
 * servers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemcachedFaultsIT {
  private static final String NS = "faults";

  private static String address(ServerProcess p) {
    return p.host() + ":" + p.port();
  }

  /** A cache whose calls never time out or count as slow on a healthy server, however busy. */
  private static LayerCache cache(String servers) {
    return cache(servers, MemcachedTestSupport.PATIENCE);
  }

  /** A cache whose calls to a frozen or cut server give up after {@code operationTimeout}. */
  private static LayerCache cache(String servers, Duration operationTimeout) {
    return LayerCache.builder()
        .namespace(NS)
        .backend(
            MemcachedBackend.builder().servers(servers).operationTimeout(operationTimeout).build())
        .slowCallThreshold(MemcachedTestSupport.PATIENCE)
        .build();
  }

  /** Waits until a counter passed a value: the other threads did that much work. */
  private static void awaitAtLeast(AtomicLong counter, long value, List<Future<?>> workers)
      throws Exception {
    while (counter.get() < value) {
      for (Future<?> f : workers) {
        if (f.isDone()) {
          f.get(); // a worker that failed would never count: report its failure
        }
      }
      Thread.sleep(5); // bounded by the class's timeout; the counts take milliseconds
    }
  }

  private static CachePolicy tagged(String... tags) {
    return CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags(tags).build();
  }

  @Test
  void pausedNode_missedInvalidation_isNeverServedAfterResume() throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached()) {
      String servers = address(a) + " " + address(b);
      MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
      NodeLocator locator = raw.getNodeLocator();
      // A key whose entry and own tag both live on A, and a tag whose version lives on A.
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "row", address(a));
      String tag = MemcachedTestSupport.tagOn(locator, NS, "table:", address(a));
      raw.shutdown(1, TimeUnit.SECONDS);
      CachePolicy policy = tagged(tag);
      AtomicLong db = new AtomicLong(1);
      AtomicLong committed = new AtomicLong(1);
      AtomicLong stale = new AtomicLong();
      AtomicLong reads = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      CacheKey k = key;
      // Calls to the frozen node give up after these timeouts; the writer's is longer, so that its
      // fence bump on the healthy node B is not given up on a busy machine.
      try (LayerCache writer = cache(servers, Duration.ofSeconds(2));
          LayerCache reader = cache(servers, Duration.ofMillis(200))) {
        assertThat(reader.get(key, Long.class, policy, db::get)).isEqualTo(1L);
        assertThat(reader.get(key, Long.class)).as("stored on A").isEqualTo(1L);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> readers = new ArrayList<>();
        // Another process reads all along: before, during and after the freeze.
        for (LayerCache c : List.of(reader, writer)) {
          readers.add(
              pool.submit(
                  () -> {
                    while (!stop.get()) {
                      long floor = committed.get();
                      Long seen = c == writer ? null : c.get(k, Long.class);
                      if (seen == null) {
                        seen = c.get(k, Long.class, policy, db::get);
                      }
                      reads.incrementAndGet();
                      if (seen < floor) {
                        stale.incrementAndGet();
                      }
                    }
                    return null;
                  }));
        }
        // Reads before, during and after the freeze, counted rather than timed.
        awaitAtLeast(reads, 20, readers);
        a.pause();
        try {
          db.set(2);
          writer.invalidateTags(tag);
          writer.evict(key);
          committed.set(2);
          awaitAtLeast(reads, reads.get() + 4, readers);
        } finally {
          a.resume();
        }
        // After the resume A still holds the old version and entry: the reads that follow are the
        // ones the fence must protect.
        awaitAtLeast(reads, reads.get() + 50, readers);
        stop.set(true);
        for (Future<?> f : readers) {
          f.get();
        }
        pool.shutdown();
        assertThat(reads.get()).isGreaterThan(10);
        assertThat(stale).as("reads older than the completed invalidation").hasValue(0);
        assertThat(((MemcachedBackend) writer.backend()).fenceBumps())
            .as("the undelivered bumps were fenced on B")
            .isPositive();
        // Reads recover: the reader reloads, stores and hits again.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Long hit = null;
        while (hit == null && System.nanoTime() < deadline) {
          reader.get(key, Long.class, policy, db::get);
          hit = reader.get(key, Long.class);
          Thread.sleep(50);
        }
        assertThat(hit).isEqualTo(2L);
      }
    }
  }

  /**
   * spymemcached sends a multi-get's keys of a node that is not connected to the next node of the
   * ring, whatever the failure mode. Copies of A's keys on B (which a pool with another layout or
   * another client can leave there) must not be read while A is down: here they are exact copies of
   * an entry and its versions from before a tag bump, which would be served as valid.
   */
  @Test
  void downNode_itsKeysAreNeverReadFromAnotherNode() throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached()) {
      String servers = address(a) + " " + address(b);
      MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
      NodeLocator locator = raw.getNodeLocator();
      raw.shutdown(1, TimeUnit.SECONDS);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "copied", address(a));
      String tag = MemcachedTestSupport.tagOn(locator, NS, "copied:", address(a));
      CachePolicy policy = tagged(tag);
      // A call that reaches the killed node may wait for the operation timeout: a few seconds,
      // still far above what a call to a live node takes on a busy machine.
      try (LayerCache cache = cache(servers, Duration.ofSeconds(5))) {
        assertThat(cache.get(key, Long.class, policy, () -> 1L)).isEqualTo(1L);
        for (String k : List.of(key.entryKey(NS), key.keyTagKey(NS), NS + ":~t:" + tag)) {
          String value = MemcachedTestSupport.textGet(address(a), k);
          assertThat(value).as("%s on A", k).isNotNull();
          MemcachedTestSupport.textSet(address(b), k, value);
        }
        cache.invalidateTags(tag);
        assertThat(cache.get(key, Long.class)).as("invalidated while A is up").isNull();

        a.kill();
        for (int i = 0; i < 5; i++) {
          assertThat(cache.get(key, Long.class, policy, () -> 2L))
              .as("read %s while A is down", i)
              .isEqualTo(2L);
          Thread.sleep(50);
        }
      }
    }
  }

  @Test
  void killedNode_restartedOnSamePort_readsRecover() throws Exception {
    // The operation timeout is far longer than any test waits: a call that ends sooner did not
    // wait for it, so the dead node failed fast, whatever the machine's load.
    Duration timeout = Duration.ofSeconds(60);
    try (ServerProcess node = TestServers.startMemcached();
        LayerCache cache = cache(address(node), timeout)) {
      CacheKey key = CacheKey.of("profile", 1);
      cache.put(key, "v1", tagged("users"));
      assertThat(cache.get(key, String.class)).isEqualTo("v1");
      node.kill();
      long start = System.nanoTime();
      assertThat(cache.get(key, String.class, tagged("users"), () -> "db")).isEqualTo("db");
      assertThat(cache.get(key, String.class)).isNull();
      assertThat(System.nanoTime() - start)
          .as("a dead node fails fast, without waiting for the operation timeout")
          .isLessThan(timeout.toNanos() / 2);
      node.restart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String hit = null;
      while (hit == null && System.nanoTime() < deadline) {
        cache.get(key, String.class, tagged("users"), () -> "v2");
        hit = cache.get(key, String.class);
        Thread.sleep(100);
      }
      assertThat(hit).as("hits again after the restart, same client").isEqualTo("v2");
    }
  }

  @Test
  void memoryPressure_evictionsReviveNoStaleEntry() throws Exception {
    // Counts, not a duration: the run lasts until enough was served and memcached evicted; a soak
    // may ask for a minimum duration on top.
    long seconds = Long.getLong("layercache.soak.seconds", 0);
    long minServed = 2_000;
    try (ServerProcess node = TestServers.startMemcached("-m", "8");
        LayerCache cache =
            LayerCache.builder()
                .namespace(NS)
                // This test is about eviction, not timeouts: be patient on a busy machine.
                .backend(
                    MemcachedBackend.builder()
                        .servers(address(node))
                        .operationTimeout(MemcachedTestSupport.PATIENCE)
                        .build())
                .circuitBreaker(false)
                .build()) {
      int rows = 16;
      AtomicLongArray db = new AtomicLongArray(rows);
      AtomicLongArray committed = new AtomicLongArray(rows);
      AtomicLong stale = new AtomicLong();
      AtomicLong served = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      String padding = "p".repeat(16 * 1024);
      ExecutorService pool = Executors.newFixedThreadPool(6);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        workers.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int row = r.nextInt(rows);
                    long v = db.incrementAndGet(row);
                    cache.invalidateTags("row:" + row);
                    committed.accumulateAndGet(row, v, Math::max);
                    // Many short-lived tags push tag versions out of memcached as well.
                    cache.invalidateTags("noise:" + r.nextInt(1_000_000));
                  }
                  return null;
                }));
      }
      for (int t = 0; t < 4; t++) {
        workers.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int id = r.nextInt(4000);
                    int row = id % rows;
                    long floor = committed.get(row);
                    String seen =
                        cache.get(
                            CacheKey.of("doc", id),
                            String.class,
                            tagged("row:" + row, "noise:" + r.nextInt(1_000_000)),
                            () -> db.get(row) + ":" + padding);
                    served.incrementAndGet();
                    if (Long.parseLong(seen.substring(0, seen.indexOf(':'))) < floor) {
                      stale.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      long soakUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      awaitAtLeast(served, minServed, workers);
      while (MemcachedTestSupport.stats(address(node)).get("evictions") == 0
          || System.nanoTime() < soakUntil) {
        awaitAtLeast(served, served.get() + 100, workers);
      }
      stop.set(true);
      for (Future<?> f : workers) {
        f.get();
      }
      pool.shutdown();
      Map<String, Long> stats = MemcachedTestSupport.stats(address(node));
      assertThat(stats.get("evictions")).as("memcached evicted under -m 8: %s", stats).isPositive();
      assertThat(served.get()).isGreaterThanOrEqualTo(minServed);
      assertThat(stats.get("get_hits")).as("entries were served from memcached").isPositive();
      assertThat(stale).as("reads older than a completed write").hasValue(0);
    }
  }

  @Test
  void foreignValue_underOurKey_isMissAndDeleted() throws Exception {
    String server = TestServers.memcachedAddress();
    MemcachedClient raw = MemcachedTestSupport.rawClient(server);
    try (LayerCache cache = cache(server)) {
      CacheKey key = CacheKey.of("planted", ThreadLocalRandom.current().nextLong());
      byte[] junk = new byte[100];
      ThreadLocalRandom.current().nextBytes(junk);
      MemcachedContractHooks.plant(raw, key.entryKey(NS), junk);
      assertThat(cache.get(key, String.class)).isNull();
      assertThat(MemcachedContractHooks.read(raw, key.entryKey(NS))).as("deleted").isNull();
    } finally {
      raw.shutdown(1, TimeUnit.SECONDS);
    }
  }

  @Test
  void entryOverItemLimitWithItsHeader_isNotStoredButCounted_andCallerGetsValue() {
    String server = TestServers.memcachedAddress();
    MemcachedBackend backend =
        MemcachedBackend.builder().servers(server).itemSizeLimit(64 * 1024).build();
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (LayerCache cache =
        LayerCache.builder()
            .namespace(NS)
            .backend(backend)
            .metrics(ns -> dev.layercache.metrics.MicrometerCacheMetrics.of(registry, ns))
            .build()) {
      // The payload alone fits the limit, the header pushes the entry over it.
      String value = "x".repeat((int) backend.maxEntryBytes() - 2 - 8);
      CacheKey key = CacheKey.of("big", ThreadLocalRandom.current().nextLong());
      AtomicLong loads = new AtomicLong();
      for (int i = 0; i < 2; i++) {
        String got =
            cache.get(
                key,
                String.class,
                tagged("a", "b", "c"),
                () -> {
                  loads.incrementAndGet();
                  return value;
                });
        assertThat(got).isEqualTo(value);
      }
      assertThat(loads).hasValue(2);
      // Rejected before any I/O, by the core (which knows the header size) or by the backend.
      double rejected =
          registry.find("cache.puts").tags("cache", "big", "result", "rejected").counter().count();
      assertThat(rejected + backend.oversizedEntries()).isEqualTo(2);
    }
  }

  @Test
  void entryOfExactlyMaxEntryBytes_withLongestKey_isStoredByMemcached() throws Exception {
    try (ServerProcess node = TestServers.startMemcached();
        MemcachedBackend backend = MemcachedBackend.builder().servers(address(node)).build()) {
      String key = "k".repeat(250);
      StoredEntry probe = entryWithPayload(0);
      int header = probe.toBytes().length;
      StoredEntry entry = entryWithPayload((int) backend.maxEntryBytes() - header);
      assertThat(entry.toBytes()).hasSize((int) backend.maxEntryBytes());
      backend.write(key, entry, 60_000);
      assertThat(backend.read(key, "tag", List.of()).entryBytes()).isEqualTo(entry.toBytes());
      assertThat(backend.oversizedEntries()).isZero();
    }
  }

  private static StoredEntry entryWithPayload(int size) {
    long now = System.currentTimeMillis();
    return StoredEntry.create(
        (byte) 1,
        now,
        0,
        now + 60_000,
        new byte[] {1},
        new String[0],
        new long[0],
        "x",
        new byte[size],
        size);
  }

  @Test
  void hit_isOneRequestPerNodeTouched() throws Exception {
    try (ServerProcess a = TestServers.startMemcached();
        ServerProcess b = TestServers.startMemcached();
        PartitionProxy toA = PartitionProxy.to(a.host(), a.port());
        PartitionProxy toB = PartitionProxy.to(b.host(), b.port())) {
      int hits = 200;
      // One node: entry and key tag in one request (getq, get).
      try (LayerCache cache = cache(toA.address())) {
        CacheKey key = CacheKey.of("article", 7);
        cache.put(key, "v", tagged());
        assertThat(cache.get(key, String.class)).isEqualTo("v");
        Map<String, Long> before = MemcachedTestSupport.stats(address(a));
        long sent = toA.requests();
        for (int i = 0; i < hits; i++) {
          assertThat(cache.get(key, String.class)).isEqualTo("v");
        }
        assertThat((double) (toA.requests() - sent) / hits).as("requests per hit").isEqualTo(1.0);
        Served served = Served.between(before, MemcachedTestSupport.stats(address(a)), hits);
        assertThat(served.keysPerHit).as("entry and key tag").isEqualTo(2.0);
        assertThat(served.otherCommands).as("no other command on a hit").isZero();
      }
      // A pool of two: the key tag's fence lives on the other node, fetched in the same call.
      String servers = toA.address() + " " + toB.address();
      MemcachedClient raw = MemcachedTestSupport.rawClient(servers);
      NodeLocator locator = raw.getNodeLocator();
      raw.shutdown(1, TimeUnit.SECONDS);
      CacheKey key = MemcachedTestSupport.keyOn(locator, NS, "article", toA.address());
      try (LayerCache cache = cache(servers)) {
        cache.put(key, "v", tagged());
        assertThat(cache.get(key, String.class)).isEqualTo("v");
        Map<String, Long> beforeA = MemcachedTestSupport.stats(address(a));
        Map<String, Long> beforeB = MemcachedTestSupport.stats(address(b));
        long sentA = toA.requests();
        long sentB = toB.requests();
        for (int i = 0; i < hits; i++) {
          assertThat(cache.get(key, String.class)).isEqualTo("v");
        }
        assertThat((double) (toA.requests() - sentA) / hits).isEqualTo(1.0);
        assertThat((double) (toB.requests() - sentB) / hits).isEqualTo(1.0);
        Served onA = Served.between(beforeA, MemcachedTestSupport.stats(address(a)), hits);
        Served onB = Served.between(beforeB, MemcachedTestSupport.stats(address(b)), hits);
        assertThat(onA.keysPerHit).isEqualTo(2.0);
        assertThat(onB.keysPerHit).as("the fence of A").isEqualTo(1.0);
        assertThat(onA.otherCommands + onB.otherCommands).isZero();
      }
    }
  }

  /** What a server saw between two {@code stats}: keys fetched per hit, and other commands. */
  private static final class Served {
    final double keysPerHit;
    final long otherCommands;

    private Served(double keysPerHit, long otherCommands) {
      this.keysPerHit = keysPerHit;
      this.otherCommands = otherCommands;
    }

    static Served between(Map<String, Long> before, Map<String, Long> after, int hits) {
      long gets = after.get("cmd_get") - before.get("cmd_get");
      long other = 0;
      for (String c : List.of("cmd_set", "cmd_touch", "incr_hits", "incr_misses", "delete_hits")) {
        other += after.get(c) - before.get(c);
      }
      return new Served((double) gets / hits, other);
    }
  }
}
