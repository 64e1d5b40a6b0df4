package dev.layercache.redis;

import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real Sentinel-managed Redis for tests: a master, its replicas and one sentinel ({@code
 * redis-server <config> --sentinel}) monitoring it as {@value #MASTER_NAME} with quorum 1. Close it
 * to stop every process.
 */
final class RedisTestSentinel implements AutoCloseable {
  /** The name the sentinel monitors the master under. */
  static final String MASTER_NAME = "mymaster";

  private final List<ServerProcess> servers = new ArrayList<>();
  private final int sentinelPort = TestServers.freePort();
  private Process sentinel;

  private RedisTestSentinel() {}

  /**
   * Starts a master, {@code replicas} replicas of it and a sentinel, and waits until the replicas
   * are in sync and the sentinel answers.
   *
   * @param dir a writable directory for the sentinel's configuration, which the sentinel rewrites
   * @param replicas replicas of the master, 0 or more
   * @return the running servers
   */
  static RedisTestSentinel start(Path dir, int replicas) {
    RedisTestSentinel s = new RedisTestSentinel();
    try {
      ServerProcess master = TestServers.startRedis();
      s.servers.add(master);
      for (int i = 0; i < replicas; i++) {
        s.servers.add(
            TestServers.startRedis("--replicaof", master.host(), Integer.toString(master.port())));
      }
      for (ServerProcess replica : s.servers.subList(1, s.servers.size())) {
        awaitInSync(replica);
      }
      s.startSentinel(dir, master.port());
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw new IllegalStateException("cannot start Redis with a sentinel: " + e.getMessage(), e);
    }
  }

  private void startSentinel(Path dir, int masterPort) throws IOException {
    Path conf = dir.resolve("sentinel-" + sentinelPort + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + sentinelPort,
            "bind 127.0.0.1",
            "dir " + dir,
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
            // Failovers are asked for (failOver()), never detected: a master that a busy machine
            // kept from answering for a while must not be failed over behind a test's back, and a
            // requested failover must not be given up because the machine is slow.
            "sentinel down-after-milliseconds " + MASTER_NAME + " 60000",
            "sentinel failover-timeout " + MASTER_NAME + " 60000",
            ""));
    Process p =
        new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sentinel-" + sentinelPort + ".log").toFile())
            .start();
    sentinel = p;
    // Like the test kit's servers: never outlive the JVM, even when a test is killed.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!accepts(sentinelPort)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the sentinel did not listen on " + sentinelPort + "; see " + dir);
      }
      sleep(20);
    }
  }

  /**
   * The sentinel addresses, for {@link RedisBackend.Builder#sentinel(String, List)}.
   *
   * @return {@code host:port} of the sentinel
   */
  List<String> sentinels() {
    return List.of("127.0.0.1:" + sentinelPort);
  }

  /**
   * The server started as master.
   *
   * @return the first master
   */
  ServerProcess firstMaster() {
    return servers.get(0);
  }

  /**
   * The servers started as replicas.
   *
   * @return the replicas, in start order
   */
  List<ServerProcess> replicas() {
    return servers.subList(1, servers.size());
  }

  /**
   * Asks the sentinel for a failover and waits until it reports another master.
   *
   * @return the port of the new master
   */
  int failOver() {
    try (Jedis s = new Jedis("127.0.0.1", sentinelPort, 2000)) {
      int before = masterPort(s);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // The sentinel learns of the replicas from the master's INFO a little after it starts.
      while (true) {
        try {
          s.sentinelFailover(MASTER_NAME);
          break;
        } catch (JedisDataException e) {
          if (!String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE")
              || System.nanoTime() > deadline) {
            throw e;
          }
          sleep(200);
        }
      }
      int after;
      while ((after = masterPort(s)) == before) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the sentinel did not fail over within 30 s");
        }
        sleep(50);
      }
      return after;
    }
  }

  private static int masterPort(Jedis sentinel) {
    return HostAndPort.from(String.join(":", sentinel.sentinelGetMasterAddrByName(MASTER_NAME)))
        .getPort();
  }

  @Override
  public void close() {
    Process p = sentinel;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ServerProcess s : servers) {
      s.close();
    }
  }

  private static void awaitInSync(ServerProcess replica) {
    try (Jedis r = new Jedis(replica.host(), replica.port(), 2000)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!r.info("replication").contains("master_link_status:up")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(replica + " did not connect to its master");
        }
        sleep(50);
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    RedisTestCluster.sleep(millis);
  }
}
