package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
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
import redis.clients.jedis.Jedis;

/**
 * Redis Sentinel with real processes: a master, a replica and a sentinel ({@code redis-server
 * --sentinel}). The backend finds the master through the sentinel, and after a failover it follows
 * the new master without an application restart while readers keep reading; no read is older than a
 * completed write and no exception reaches a caller.
 *
 * <p>Writes pause while the failover runs: Redis replicates asynchronously, so a tag bump that the
 * old master acknowledged but had not yet sent to the replica can be lost by any failover, as it
 * can by any Redis client. Tag versions that are lost outright are re-created fresh (see the
 * contract tests); a version rolled back to an older value is not detectable.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisSentinelIT {
  /**
   * Timeouts of the backend: a call that times out is a miss, so the checks that values are cached
   * need more than a busy machine can stall. Nothing in a failover hangs a call: the old master
   * stays up and refuses writes at once.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** How long a wait for the backend or the readers may take: far above what they need. */
  private static final long DEADLINE_SECONDS = 30;

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  @TempDir Path dir;
  private RedisTestSentinel servers;
  private LayerCache cache;

  @BeforeEach
  void start() {
    servers = RedisTestSentinel.start(dir, 1);
    cache =
        LayerCache.builder()
            .namespace("sentinel")
            .backend(
                RedisBackend.builder()
                    .sentinel(RedisTestSentinel.MASTER_NAME, servers.sentinels())
                    .readTimeout(TIMEOUT)
                    .connectTimeout(TIMEOUT)
                    .build())
            .circuitOpenDuration(Duration.ofMillis(200))
            .build();
  }

  @AfterEach
  void stop() {
    if (cache != null) {
      cache.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void backendFindsTheMaster_andFollowsAFailover() throws Exception {
    ServerProcess replica = servers.replicas().get(0);
    AtomicLong db = new AtomicLong(1);
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, Long.class, POLICY, db::get)).isEqualTo(1);
    assertThat(cache.get(key, Long.class, POLICY, () -> -1L))
        .as("cached on the master")
        .isEqualTo(1);
    try (Jedis m = new Jedis(servers.firstMaster().host(), servers.firstMaster().port())) {
      assertThat(m.dbSize()).as("keys written to the master").isPositive();
    }

    AtomicLong floor = new AtomicLong(1); // newest value whose write completed
    Counts counts = new Counts();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    long readsDuringFailover;
    try {
      List<Future<?>> running =
          List.of(
              readers.submit(() -> read(key, db, floor, counts, stop)),
              readers.submit(() -> read(key, db, floor, counts, stop)));
      write(db, floor, 2, 50);
      long readsBefore = counts.reads.get();
      assertThat(servers.failOver()).as("the new master").isEqualTo(replica.port());
      // The backend must reach the new master by itself: a write must land there.
      awaitWritable(replica);
      readsDuringFailover = counts.reads.get() - readsBefore;
      write(db, floor, 1_000, 50);
      stop.set(true);
      for (Future<?> f : running) {
        f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      readers.shutdownNow();
    }
    assertThat(readsDuringFailover).as("reads while the master changed").isPositive();
    assertThat(counts.stale).as("reads older than a completed write").hasValue(0);
    assertThat(counts.exceptions).as("exceptions reaching a caller").hasValue(0);
    // Calls that failed while the master changed may have opened the breaker, which would skip
    // the reads below: they need it closed, as it is once the new master answers.
    awaitBreakerClosed();
    assertThat(cache.get(key, Long.class, POLICY, db::get)).isEqualTo(1_049);
    assertThat(cache.get(key, Long.class, POLICY, () -> -1L))
        .as("cached on the new master")
        .isEqualTo(1_049);
    try (Jedis r = new Jedis(replica.host(), replica.port())) {
      assertThat(r.info("replication")).contains("role:master");
    }
  }

  /** What the readers saw. */
  private static final class Counts {
    final AtomicLong reads = new AtomicLong();
    final AtomicLong stale = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
  }

  private void write(AtomicLong db, AtomicLong floor, long from, int count) {
    for (long v = from; v < from + count; v++) {
      db.set(v);
      cache.invalidateTags("articles");
      floor.set(v);
    }
  }

  private void read(
      CacheKey key, AtomicLong db, AtomicLong floor, Counts counts, AtomicBoolean stop) {
    while (!stop.get()) {
      long min = floor.get();
      try {
        Long v = cache.get(key, Long.class, POLICY, db::get);
        if (v == null || v < min) {
          counts.stale.incrementAndGet();
        }
      } catch (RuntimeException e) {
        counts.exceptions.incrementAndGet();
      }
      counts.reads.incrementAndGet();
    }
  }

  /** Reads until the circuit breaker is closed, which takes calls that succeed. */
  private void awaitBreakerClosed() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!"CLOSED".equals(RedisFaultsIT.breakerState(cache))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the circuit breaker did not close after the failover");
      }
      cache.get(CacheKey.of("probe", 0), String.class);
      Thread.sleep(50);
    }
  }

  /** Waits until the cache stores through the sentinel's new master. */
  private void awaitWritable(ServerProcess newMaster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    try (Jedis r = new Jedis(newMaster.host(), newMaster.port())) {
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
}
