package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

  /** ASK redirections the migration source sent ({@code INFO errorstats}). */
  private static final AtomicLong askRedirects = new AtomicLong();

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
        .build();
  }

  @Test
  void slotMigration_duringLoad_noCallerExceptionNoStaleRead() throws Exception {
    // The slot of the hottest tag version: readers and writers hit it all the time.
    String hotTagKey = CachePolicy.builder().tags("row:0").build().tagKeys(NAMESPACE).get(0);
    int slot = JedisClusterCRC16.getSlot(hotTagKey);
    try (LayerCache cache = newCache()) {
      ReadWriteLoop.Result r =
          ReadWriteLoop.run(cache, 4, 100, 2, 4, Duration.ofSeconds(3), () -> migrate(slot));
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
          ReadWriteLoop.run(cache, 8, 100, 2, 4, Duration.ofSeconds(4), this::failOverOneMaster);
      assertThat(r.reads()).isGreaterThan(100);
      assertThat(r.callerExceptions()).isZero();
      assertThat(r.stale()).as("stale reads in %s", r).isZero();
    }
  }

  /** Moves a slot to another master the way redis-cli does, pausing in each state. */
  private static void migrate(int slot) {
    sleep(500);
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
      sleep(500); // readers now meet ASK for keys already moved
      List<String> keys;
      while (!(keys = src.clusterGetKeysInSlot(slot, 100)).isEmpty()) {
        List<String> args =
            new ArrayList<>(
                List.of("127.0.0.1", Integer.toString(cluster.port(target)), "", "0", "5000"));
        args.add("KEYS");
        args.addAll(keys);
        src.sendCommand(Protocol.Command.MIGRATE, args.toArray(new String[0]));
        sleep(100);
      }
      sleep(300); // every key moved, slot still migrating: every read of it is redirected by ASK
      askRedirects.set(errorCount(src, "ASK"));
      dst.clusterSetSlotNode(slot, dstId);
      src.clusterSetSlotNode(slot, dstId);
      for (int m : masters) {
        if (m != source && m != target) {
          try (Jedis other = cluster.node(m)) {
            other.clusterSetSlotNode(slot, dstId);
          }
        }
      }
    }
    sleep(500); // readers now meet MOVED until their slot map is refreshed
  }

  private void failOverOneMaster() {
    sleep(500);
    for (int i = 0; i < cluster.size(); i++) {
      try (Jedis j = cluster.node(i)) {
        if (j.info("replication").contains("role:slave")) {
          j.clusterFailover();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (!j.info("replication").contains("role:master")) {
            if (System.nanoTime() > deadline) {
              throw new AssertionError("replica did not take over in 20s");
            }
            sleep(50);
          }
          sleep(1000);
          return;
        }
      }
    }
    throw new AssertionError("no replica to fail over to");
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
