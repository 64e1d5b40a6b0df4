package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.metrics.CacheMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Topology changes of a real cluster (three masters, one replica each) under a concurrent read and
 * write load: no exception reaches a caller, no read is stale.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisClusterFaultsIT {
  private static final String NAMESPACE = "cf";
  private static RedisTestCluster cluster;

  /** How long a step waits for the load or the cluster to get somewhere: far above the need. */
  private static final long DEADLINE_SECONDS = 30;

  /**
   * No least run time: the load runs while the fault does, and each fault waits for the load's
   * progress before, during and after it.
   */
  private static final Duration PACED_BY_THE_FAULT = Duration.ZERO;

  /** ASK redirections the migration source sent ({@code INFO errorstats}). */
  private static final AtomicLong askRedirects = new AtomicLong();

  /** Gets the load's caches finished: the faults are paced by the load's progress, not by time. */
  private static final AtomicLong gets = new AtomicLong();

  @BeforeAll
  static void startCluster() {
    cluster = RedisTestCluster.start(3, 1);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static LayerCache newCache() {
    return LayerCache.builder()
        .namespace(NAMESPACE)
        .backend(RedisBackend.builder().cluster(cluster.seeds()).build())
        .metrics(
            namespace ->
                new CacheMetrics() {
                  @Override
                  public void get(String cache, GetResult result) {
                    gets.incrementAndGet();
                  }
                })
        .build();
  }

  @Test
  void slotMigration_duringLoad_noCallerExceptionNoStaleRead() throws Exception {
    // The slot of the hottest tag version: readers and writers hit it all the time.
    String hotTagKey = CachePolicy.builder().tags("row:0").build().tagKeys(NAMESPACE).get(0);
    int slot = JedisClusterCRC16.getSlot(hotTagKey);
    try (LayerCache cache = newCache()) {
      ReadWriteLoop.Result r =
          ReadWriteLoop.run(cache, 4, 100, 2, 4, PACED_BY_THE_FAULT, () -> migrate(slot));
      assertThat(r.reads()).isGreaterThan(100);
      assertThat(askRedirects.get())
          .as("callers met ASK redirections while the slot was migrating")
          .isPositive();
      assertThat(r.callerExceptions()).isZero();
      assertThat(r.stale()).as("stale reads in %s", r).isZero();
    }
  }

  @Test
  void manualFailover_duringLoad_noCallerExceptionNoStaleRead() throws Exception {
    try (LayerCache cache = newCache()) {
      ReadWriteLoop.Result r =
          ReadWriteLoop.run(cache, 8, 100, 2, 4, PACED_BY_THE_FAULT, this::failOverOneMaster);
      assertThat(r.reads()).isGreaterThan(100);
      assertThat(r.callerExceptions()).isZero();
      assertThat(r.stale()).as("stale reads in %s", r).isZero();
    }
  }

  /**
   * Moves a slot to another master the way redis-cli does. Each state lasts until the load has been
   * seen in it: the readers' ASK redirections, then their MOVED ones, counted by the server.
   */
  private static void migrate(int slot) {
    awaitGets(100, "reads before the migration");
    int source = -1;
    int target = -1;
    List<Integer> masters = masters();
    for (int m : masters) {
      try (Jedis j = cluster.node(m)) {
        if (j.clusterCountKeysInSlot(slot) > 0 || ownsSlot(j, slot)) {
          source = m;
        }
      }
    }
    for (int m : masters) {
      if (m != source) {
        target = m;
        break;
      }
    }
    try (Jedis src = cluster.node(source);
        Jedis dst = cluster.node(target)) {
      String srcId = src.clusterMyId();
      String dstId = dst.clusterMyId();
      dst.clusterSetSlotImporting(slot, srcId);
      src.clusterSetSlotMigrating(slot, dstId);
      List<String> keys;
      while (!(keys = src.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
        List<String> args =
            new ArrayList<>(
                List.of("127.0.0.1", Integer.toString(cluster.port(target)), "", "0", "5000"));
        args.add("KEYS");
        args.addAll(keys);
        src.sendCommand(Protocol.Command.MIGRATE, args.toArray(new String[0]));
        // Readers meet the slot half moved: ASK for the keys already moved.
        awaitGets(20, "reads between two MIGRATE batches");
      }
      // Every key moved, slot still migrating: every read of it is redirected by ASK.
      long asksWhenMoved = errorCount(src, "ASK");
      await(
          () -> errorCount(src, "ASK") > asksWhenMoved,
          "readers redirected by ASK once every key had moved");
      askRedirects.set(errorCount(src, "ASK"));
      long movedBefore = errorCount(src, "MOVED");
      dst.clusterSetSlotNode(slot, dstId);
      src.clusterSetSlotNode(slot, dstId);
      for (int m : masters) {
        if (m != source && m != target) {
          try (Jedis other = cluster.node(m)) {
            other.clusterSetSlotNode(slot, dstId);
          }
        }
      }
      // Readers meet MOVED until their slot map is refreshed.
      await(
          () -> errorCount(src, "MOVED") > movedBefore,
          "readers redirected by MOVED once the slot had moved");
    }
    awaitGets(100, "reads after the migration");
  }

  /**
   * Fails over one master to its replica with {@code CLUSTER FAILOVER}, which the cluster aborts if
   * it takes longer than its own few seconds (a busy machine can make it): it is asked again until
   * the replica is master. The load then goes on until the old master, now a replica, has
   * redirected callers to the new one.
   */
  private void failOverOneMaster() {
    awaitGets(100, "reads before the failover");
    for (int i = 0; i < cluster.size(); i++) {
      try (Jedis j = cluster.node(i)) {
        String replication = j.info("replication");
        if (!replication.contains("role:slave")) {
          continue;
        }
        try (Jedis oldMaster = cluster.node(nodeOnPort(infoField(replication, "master_port")))) {
          long movedBefore = errorCount(oldMaster, "MOVED");
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * DEADLINE_SECONDS);
          while (!j.info("replication").contains("role:master")) {
            if (System.nanoTime() > deadline) {
              throw new AssertionError(
                  "replica did not take over in " + 3 * DEADLINE_SECONDS + " s");
            }
            j.clusterFailover();
            long askAgain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!j.info("replication").contains("role:master") && System.nanoTime() < askAgain) {
              sleep(50);
            }
          }
          await(
              () -> errorCount(oldMaster, "MOVED") > movedBefore,
              "callers redirected by MOVED from the old master");
        }
        awaitGets(100, "reads after the failover");
        return;
      }
    }
    throw new AssertionError("no replica to fail over to");
  }

  /** Waits until the load has finished {@code count} more gets. */
  private static void awaitGets(long count, String what) {
    long target = gets.get() + count;
    await(() -> gets.get() >= target, what);
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE_SECONDS + " s waiting for " + what);
      }
      sleep(5);
    }
  }

  private static int nodeOnPort(int port) {
    for (int i = 0; i < cluster.size(); i++) {
      if (cluster.port(i) == port) {
        return i;
      }
    }
    throw new AssertionError("no node on port " + port);
  }

  private static int infoField(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Integer.parseInt(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("INFO has no " + name + ": " + info);
  }

  private static long errorCount(Jedis node, String error) {
    for (String line : node.info("errorstats").split("\r?\n")) {
      if (line.startsWith("errorstat_" + error + ":count=")) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
      }
    }
    return 0;
  }

  private static boolean ownsSlot(Jedis node, int slot) {
    String myId = node.clusterMyId();
    for (String line : node.clusterNodes().split("\n")) {
      String[] f = line.split(" ");
      if (f.length < 9 || !f[0].equals(myId)) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        String range = f[i];
        if (range.startsWith("[")) {
          continue;
        }
        String[] ends = range.split("-");
        int lo = Integer.parseInt(ends[0]);
        int hi = ends.length > 1 ? Integer.parseInt(ends[1]) : lo;
        if (slot >= lo && slot <= hi) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Integer> masters() {
    List<Integer> m = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      try (Jedis j = cluster.node(i)) {
        if (j.info("replication").contains("role:master")) {
          m.add(i);
        }
      }
    }
    return m;
  }

  private static void sleep(long millis) {
    RedisTestCluster.sleep(millis);
  }
}
