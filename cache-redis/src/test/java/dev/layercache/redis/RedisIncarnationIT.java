package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * A Redis server that comes back with older data than it had (a restart from an RDB file, a
 * failover to a replica that lagged) holds entries together with the tag versions they were stored
 * under, but not the bumps made since. Such an entry must not validate again on any application
 * server: neither on those connected before, nor on one that starts after. Each test stages the
 * loss on real servers and also runs with the check switched off, where the old value is served, so
 * that the test can fail.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisIncarnationIT {
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(10)).jitter(0).tags("articles").build();
  private static final CacheKey KEY = CacheKey.of("article", 1);

  /** The database: what a loader reads. */
  private final AtomicReference<String> database = new AtomicReference<>("old");

  private final AtomicInteger loads = new AtomicInteger();

  private String read(LayerCache cache) {
    return cache.get(
        KEY,
        String.class,
        POLICY,
        () -> {
          loads.incrementAndGet();
          return database.get();
        });
  }

  /** Backend calls that failed, over every cache of a test. */
  private final AtomicLong failures = new AtomicLong();

  private LayerCache cache(String name, RedisBackend backend) {
    CacheMetrics countFailures =
        new CacheMetrics() {
          @Override
          public void backendCall(String backend, String operation, long nanos, boolean success) {
            if (!success) {
              failures.incrementAndGet();
            }
          }
        };
    return LayerCache.builder()
        .namespace("incarnation")
        .backend(backend)
        .metrics(cacheName -> countFailures)
        // Reads that fail while the server is away must not switch the cache off for the test.
        .circuitBreaker(false)
        .build();
  }

  @ParameterizedTest(name = "detectRestarts={0}")
  @ValueSource(booleans = {true, false})
  void restartFromSnapshot_lostBumpDoesNotBringTheOldEntryBack(boolean detect) throws Exception {
    try (ServerProcess server = TestServers.startRedis()) {
      List<String> seen = new ArrayList<>();
      try (LayerCache writer = cache("writer", standalone(server, detect));
          LayerCache reader = cache("reader", standalone(server, detect))) {
        assertThat(read(reader)).isEqualTo("old");
        assertThat(read(reader)).isEqualTo("old");
        try (Jedis admin = new Jedis(server.host(), server.port())) {
          admin.save(); // the snapshot holds the entry and the tag version it is valid under
        }
        database.set("new");
        writer.invalidateTags("articles"); // after the snapshot: lost in the restart
        assertThat(writer.hasPendingInvalidations()).isFalse();
        assertThat(read(reader)).isEqualTo("new");

        server.restart(); // loads the snapshot from its working directory
        try (Jedis admin = new Jedis(server.host(), server.port())) {
          assertThat(admin.dbSize()).as("the snapshot was loaded").isPositive();
        }
        // An application server that starts now, and the one that was connected before.
        try (LayerCache late = cache("late", standalone(server, detect))) {
          seen.add(read(late));
          seen.add(read(late));
        }
        for (int i = 0; i < 5; i++) {
          seen.add(read(reader));
        }
      }
      if (detect) {
        assertThat(seen).containsOnly("new");
      } else {
        // The hazard the check exists for: the restored entry validates again.
        assertThat(seen).contains("old");
      }
    }
  }

  @ParameterizedTest(name = "detectRestarts={0}")
  @ValueSource(booleans = {true, false})
  void failoverToLaggingReplica_lostBumpDoesNotBringTheOldEntryBack(
      boolean detect, @TempDir Path dir) throws Exception {
    try (RedisTestSentinel redis = RedisTestSentinel.start(dir, 1)) {
      ServerProcess master = redis.firstMaster();
      ServerProcess replica = redis.replicas().get(0);
      List<String> seen = new ArrayList<>();
      try (LayerCache writer = cache("writer", sentinel(redis, detect));
          LayerCache reader = cache("reader", sentinel(redis, detect))) {
        assertThat(read(reader)).isEqualTo("old");
        try (Jedis m = new Jedis(master.host(), master.port())) {
          assertThat(m.waitReplicas(1, 10_000)).as("the replica has the entry").isEqualTo(1);
        }
        replica.pause(); // the replica falls behind from here
        try (Jedis m = new Jedis(master.host(), master.port())) {
          // Without its link nothing written from now on reaches the replica, not even through
          // the socket buffers it would read on resuming.
          m.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "replica");
        }
        database.set("new");
        writer.invalidateTags("articles");
        assertThat(writer.hasPendingInvalidations()).isFalse();
        assertThat(read(reader)).isEqualTo("new");
        master.kill(); // the bump dies with the master
        replica.resume();
        redis.failOver();

        try (LayerCache late = cache("late", sentinel(redis, detect))) {
          seen.add(readOnceServing(late));
          seen.add(read(late));
        }
        for (int i = 0; i < 5; i++) {
          seen.add(readOnceServing(reader));
        }
      }
      if (detect) {
        assertThat(seen).containsOnly("new");
      } else {
        assertThat(seen).contains("old");
      }
    }
  }

  /**
   * Reads until the cache answers from the new master: reads fail (and load) while the client has
   * not yet learnt the new master, which tells nothing about the restored entry.
   */
  private String readOnceServing(LayerCache cache) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      long failuresBefore = failures.get();
      String value = read(cache);
      if (failures.get() == failuresBefore || System.nanoTime() > deadline) {
        return value;
      }
      Thread.sleep(50); // the client learns the new master from the sentinel's announcement
    }
  }

  @Test
  void newConnection_toTheSameServer_keepsEntriesValid() throws Exception {
    try (ServerProcess server = TestServers.startRedis()) {
      try (LayerCache first = cache("first", standalone(server, true))) {
        assertThat(read(first)).isEqualTo("old");
      }
      int loadsBefore = loads.get();
      try (LayerCache second = cache("second", standalone(server, true))) {
        assertThat(read(second)).isEqualTo("old");
      }
      assertThat(loads.get()).as("same incarnation: a hit").isEqualTo(loadsBefore);
    }
  }

  @Test
  void awaitReplicas_invalidationNotAcknowledged_staysPendingAndBypasses() throws Exception {
    try (ServerProcess master = TestServers.startRedis();
        ServerProcess replica =
            TestServers.startRedis("--replicaof", master.host(), Integer.toString(master.port()))) {
      try (Jedis m = new Jedis(master.host(), master.port())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!m.info("replication").contains("state=online")) {
          assertThat(System.nanoTime()).as("the replica connects").isLessThan(deadline);
          Thread.sleep(20);
        }
      }
      RedisBackend acknowledged =
          RedisBackend.builder()
              .standalone(master.host(), master.port())
              .awaitReplicas(1, Duration.ofMillis(500))
              .build();
      try (LayerCache cache = cache("acknowledged", acknowledged)) {
        assertThat(read(cache)).isEqualTo("old");
        database.set("new");
        cache.invalidateTags("articles");
        assertThat(cache.hasPendingInvalidations()).as("the replica acknowledged").isFalse();
        assertThat(read(cache)).isEqualTo("new");

        replica.pause();
        database.set("newer");
        cache.invalidateTags("articles");
        assertThat(cache.hasPendingInvalidations()).as("no replica acknowledged").isTrue();
        // Until a retry is acknowledged the tag bypasses the cache on this server.
        assertThat(read(cache)).isEqualTo("newer");
        replica.resume();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cache.hasPendingInvalidations()) {
          assertThat(System.nanoTime()).as("the retry is acknowledged").isLessThan(deadline);
          Thread.sleep(20); // the retry runs on its own schedule
        }
        assertThat(read(cache)).isEqualTo("newer");
      }
    }
  }

  private static RedisBackend standalone(ServerProcess server, boolean detect) {
    return RedisBackend.builder()
        .standalone(server.host(), server.port())
        .detectRestarts(detect)
        .build();
  }

  private static RedisBackend sentinel(RedisTestSentinel redis, boolean detect) {
    return RedisBackend.builder()
        .sentinel(RedisTestSentinel.MASTER_NAME, redis.sentinels())
        .readTimeout(Duration.ofSeconds(2))
        .detectRestarts(detect)
        .build();
  }
}
