package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Redis Sentinel with real processes: a master, a replica and a sentinel ({@code redis-server
 * --sentinel}). The backend finds the master through the sentinel, and after a failover it follows
 * the new master without an application restart while readers keep reading; no read is older than a
 * completed write.
 *
 * <p>Writes pause while the failover runs: Redis replicates asynchronously, so a tag bump that the
 * old master acknowledged but had not yet sent to the replica can be lost by any failover, as it
 * can by any Redis client. Tag versions that are lost outright are re-created fresh (see the
 * contract tests); a version rolled back to an older value is not detectable.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisSentinelIT {
  private static final String MASTER = "mymaster";
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  @TempDir Path dir;
  private ServerProcess master;
  private ServerProcess replica;
  private Process sentinel;
  private int sentinelPort;
  private LayerCache cache;

  @BeforeEach
  void start() throws Exception {
    master = TestServers.startRedis();
    replica = TestServers.startRedis("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    awaitReplication();
    sentinelPort = TestServers.freePort();
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + sentinelPort,
            "bind 127.0.0.1",
            "dir " + dir,
            "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1",
            "sentinel down-after-milliseconds " + MASTER + " 1000",
            "sentinel failover-timeout " + MASTER + " 5000",
            ""));
    sentinel =
        new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
            .redirectErrorStream(true)
            .redirectOutput(new File(dir.toFile(), "sentinel.log"))
            .start();
    awaitPort(sentinelPort);
    cache =
        LayerCache.builder()
            .namespace("sentinel")
            .backend(
                RedisBackend.builder()
                    .sentinel(MASTER, List.of("127.0.0.1:" + sentinelPort))
                    .readTimeout(Duration.ofMillis(300))
                    .connectTimeout(Duration.ofMillis(300))
                    .build())
            .circuitOpenDuration(Duration.ofMillis(200))
            .build();
  }

  @AfterEach
  void stop() {
    if (cache != null) {
      cache.close();
    }
    if (sentinel != null) {
      sentinel.destroyForcibly();
    }
    replica.close();
    master.close();
  }

  @Test
  void backendFindsTheMaster_andFollowsAFailover() throws Exception {
    AtomicLong db = new AtomicLong(1);
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, Long.class, POLICY, db::get)).isEqualTo(1);
    assertThat(cache.get(key, Long.class, POLICY, () -> -1L))
        .as("cached on the master")
        .isEqualTo(1);
    try (Jedis m = new Jedis(master.host(), master.port())) {
      assertThat(m.dbSize()).as("keys written to the master").isPositive();
    }

    AtomicLong floor = new AtomicLong(1); // newest value whose write completed
    AtomicLong stale = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    List<Future<?>> running =
        List.of(
            readers.submit(() -> read(key, db, floor, stale, stop)),
            readers.submit(() -> read(key, db, floor, stale, stop)));
    try {
      write(key, db, floor, 2, 50);
      try (Jedis s = new Jedis("127.0.0.1", sentinelPort)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // The sentinel learns of the replica from the master's INFO a little after it starts.
        while (true) {
          try {
            s.sentinelFailover(MASTER);
            break;
          } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE")
                || System.nanoTime() > deadline) {
              throw e;
            }
            Thread.sleep(200);
          }
        }
        while (s.sentinelGetMasterAddrByName(MASTER)
            .get(1)
            .equals(Integer.toString(master.port()))) {
          assertThat(System.nanoTime()).as("failover within 30 s").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(
                HostAndPort.from(String.join(":", s.sentinelGetMasterAddrByName(MASTER))).getPort())
            .isEqualTo(replica.port());
      }
      // The backend must reach the new master by itself: a write must land there and be read back.
      awaitWritable(key, db);
      write(key, db, floor, 1_000, 50);
    } finally {
      stop.set(true);
      readers.shutdown();
    }
    for (Future<?> f : running) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(stale).as("reads older than a completed write").hasValue(0);
    try (Jedis r = new Jedis(replica.host(), replica.port())) {
      assertThat(r.info("replication")).contains("role:master");
      assertThat(r.dbSize()).as("keys written to the new master").isPositive();
    }
  }

  private void write(CacheKey key, AtomicLong db, AtomicLong floor, long from, int count) {
    for (long v = from; v < from + count; v++) {
      db.set(v);
      cache.invalidateTags("articles");
      floor.set(v);
    }
  }

  private void read(
      CacheKey key, AtomicLong db, AtomicLong floor, AtomicLong stale, AtomicBoolean stop) {
    while (!stop.get()) {
      long min = floor.get();
      Long v = cache.get(key, Long.class, POLICY, db::get);
      if (v != null && v < min) {
        stale.incrementAndGet();
      }
    }
  }

  /** Waits until the cache stores through the sentinel's new master. */
  private void awaitWritable(CacheKey key, AtomicLong db) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Jedis r = new Jedis(replica.host(), replica.port())) {
      while (System.nanoTime() < deadline) {
        long before = r.dbSize();
        cache.put(CacheKey.of("probe", System.nanoTime()), "p", POLICY);
        if (r.dbSize() > before) {
          return;
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the backend never wrote to the new master");
  }

  private void awaitReplication() throws InterruptedException {
    try (Jedis r = new Jedis(replica.host(), replica.port())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!r.info("replication").contains("master_link_status:up")) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("replica did not connect to its master");
        }
        Thread.sleep(50);
      }
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new AssertionError("sentinel did not listen on " + port);
  }
}
