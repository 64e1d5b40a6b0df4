package dev.layercache.redis;

import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster on loopback ports for tests: {@code masters} masters with {@code replicas}
 * replicas each, created with {@code redis-cli --cluster create}. Close it to stop every node.
 */
final class RedisTestCluster implements AutoCloseable {
  private final List<ServerProcess> nodes = new ArrayList<>();

  private RedisTestCluster() {}

  /**
   * Starts the nodes, creates the cluster and waits until every node sees all slots served.
   *
   * @param masters at least 3
   * @param replicas replicas per master
   * @return the running cluster
   */
  static RedisTestCluster start(int masters, int replicas) {
    RedisTestCluster c = new RedisTestCluster();
    try {
      for (int i = 0; i < masters * (1 + replicas); i++) {
        // Node failures are never detected in these tests, only made (a requested failover): a
        // node that a busy machine kept from answering for a few seconds must not be failed (the
        // cluster would refuse commands, or fail over behind a test's back).
        c.nodes.add(
            TestServers.startRedis(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "15000"));
      }
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      cmd.addAll(c.seeds());
      cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
      }
      c.awaitHealthy(replicas);
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw new IllegalStateException("cannot start a Redis Cluster: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Waits until every node reports the cluster ok and every replica is in sync. */
  void awaitHealthy(int replicasPerMaster) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (healthy(replicasPerMaster)) {
        return;
      }
      sleep(100);
    }
    throw new IllegalStateException("cluster did not become healthy in 30s");
  }

  private boolean healthy(int replicasPerMaster) {
    int syncedReplicas = 0;
    for (ServerProcess n : nodes) {
      try (Jedis j = new Jedis(n.host(), n.port(), 1000)) {
        if (!j.clusterInfo().contains("cluster_state:ok")) {
          return false;
        }
        String repl = j.info("replication");
        if (repl.contains("role:slave")) {
          if (!repl.contains("master_link_status:up")) {
            return false;
          }
          syncedReplicas++;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return syncedReplicas == nodes.size() / (1 + replicasPerMaster) * replicasPerMaster;
  }

  /**
   * The nodes as {@code host:port}.
   *
   * @return every node, masters and replicas
   */
  List<String> seeds() {
    List<String> s = new ArrayList<>();
    for (ServerProcess n : nodes) {
      s.add(n.host() + ":" + n.port());
    }
    return s;
  }

  /**
   * A direct connection to one node (not cluster-aware), for administration. Its timeout is far
   * above what a command takes on a busy machine, MIGRATE included.
   *
   * @param index the node's index
   * @return a connection; close it
   */
  Jedis node(int index) {
    ServerProcess n = nodes.get(index);
    return new Jedis(n.host(), n.port(), 30_000);
  }

  int size() {
    return nodes.size();
  }

  int port(int index) {
    return nodes.get(index).port();
  }

  @Override
  public void close() {
    for (ServerProcess n : nodes) {
      n.close();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
