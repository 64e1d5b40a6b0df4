package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.Loader;
import dev.layercache.metrics.NearCacheMeters;
import dev.layercache.near.NearCacheBackend;
import dev.layercache.spi.InvalidationMessage;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import redis.clients.jedis.Jedis;

/**
 * Two application servers, each with a near cache over one real Redis server: near hits cost no
 * round trip, a write on one server is seen at once by that server and by the other as soon as its
 * invalidation message arrives, and whenever the bus cannot vouch for delivery (a killed
 * subscription, a frozen server, a gap in the numbering, an unreadable message) the near level is
 * cleared and bypassed. One test runs without a working bus to show what the bus prevents.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NearCacheIT {
  /**
   * Timeouts of the Redis calls the caches make: a call that times out falls back to the loader and
   * leaves the near level empty, so a short timeout would let a busy machine change what a test
   * sees.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * Timeouts in the frozen-server test, where every call meets a frozen server and nothing the test
   * asserts depends on a call succeeding.
   */
  private static final Duration FROZEN_TIMEOUT = Duration.ofMillis(200);

  /**
   * The watchdog's ping interval where a test is not about it: a healthy subscription is only
   * dropped by a pause of three intervals, which no busy machine makes.
   */
  private static final Duration QUIET_PING = Duration.ofMinutes(1);

  /** The ping interval of the frozen-server test, which waits for the watchdog to act. */
  private static final Duration WATCHDOG_PING = Duration.ofMillis(100);

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  private ServerProcess server;
  private Jedis admin;
  private final List<LayerCache> caches = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServers.startRedis();
    admin = new Jedis(server.host(), server.port());
  }

  @AfterEach
  void stop() {
    caches.forEach(LayerCache::close);
    admin.close();
    server.close();
  }

  private String uri() {
    return "redis://" + server.host() + ":" + server.port();
  }

  private NearCacheBackend near(String channel, Duration ttl) {
    return near(channel, ttl, QUIET_PING, TIMEOUT);
  }

  private NearCacheBackend near(String channel, Duration ttl, Duration ping, Duration timeout) {
    return NearCaches.live(
        NearCacheBackend.builder(
                RedisBackend.builder()
                    .uri(uri())
                    .readTimeout(timeout)
                    .connectTimeout(timeout)
                    .build(),
                RedisInvalidationBus.builder()
                    .uri(uri())
                    .channel(channel)
                    .pingInterval(ping)
                    .timeout(timeout)
                    .build())
            .ttl(ttl)
            .build());
  }

  private LayerCache cache(NearCacheBackend backend) {
    LayerCache c = LayerCache.builder().namespace("near").backend(backend).build();
    caches.add(c);
    return c;
  }

  /**
   * Reads a key twice: the miss stores it in Redis, the next read is a hit Redis confirms, which
   * the near level keeps.
   */
  private static <T> void fillNear(
      LayerCache cache, CacheKey key, Class<T> type, Loader<T, RuntimeException> loader) {
    cache.get(key, type, POLICY, loader);
    cache.get(key, type, POLICY, loader);
  }

  @Test
  void nearHit_costsNoRoundTrip() {
    NearCacheBackend backend = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache cache = cache(backend);
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1"); // miss, fill
    assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1"); // remote hit
    ServerTraffic.Traffic nearHits =
        ServerTraffic.measure(
            List.of(admin),
            () -> {
              for (int i = 0; i < 100; i++) {
                assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1");
              }
            });
    assertThat(nearHits.requests()).as("requests sent to Redis by 100 near hits").isZero();
    assertThat(cache.get(key, String.class))
        .as("decoded once, then shared by near hits")
        .isSameAs(cache.get(key, String.class));
    assertThat(backend.stats().hits()).isGreaterThanOrEqualTo(100);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NearCacheMeters.bind(registry, "blog", backend);
    assertThat(registry.get("cache.near.reads").tag("result", "hit").functionCounter().count())
        .isEqualTo(backend.stats().hits());
    assertThat(registry.get("cache.near.live").tag("near", "blog").gauge().value()).isEqualTo(1);
  }

  @Test
  void writeOnOneServer_isSeenAtOnceThere_andOnTheOtherWhenTheMessageArrives() {
    NearCacheBackend a = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverA = cache(a);
    LayerCache serverB = cache(b);
    AtomicLong db = new AtomicLong(1);
    CacheKey key = CacheKey.of("article", 2);
    for (LayerCache c : List.of(serverA, serverB)) {
      fillNear(c, key, Long.class, db::get);
    }
    long longestRound = 0; // from before a write to after its message arrived, wall clock
    for (int round = 2; round <= 50; round++) {
      long messagesBefore = b.stats().messages();
      long writing = System.currentTimeMillis();
      db.set(round);
      serverA.invalidateTags("articles");
      assertThat(serverA.get(key, Long.class, POLICY, db::get))
          .as("the writing server reads its own write")
          .isEqualTo(round);
      NearCaches.await(() -> b.stats().messages() > messagesBefore, "the message");
      longestRound = Math.max(longestRound, System.currentTimeMillis() - writing);
      assertThat(serverB.get(key, Long.class, POLICY, db::get))
          .as("the other server, once the message arrived")
          .isEqualTo(round);
    }
    assertThat(b.stats().gaps()).isZero();
    // A message is stamped after its write began and counted once applied: its lag cannot exceed
    // the round it belongs to, however slow the machine.
    assertThat(b.stats().maxLagMillis())
        .as("the longest lag, against the longest round (%d ms)", longestRound)
        .isBetween(0L, longestRound);
    assertThat(b.stats().meanLagMillis()).isBetween(0.0, (double) b.stats().maxLagMillis());
  }

  /**
   * Readers on server B hammer a key while server A writes; after each write, once B has the
   * message, no read that starts on B may return an older value. Races between a reader filling the
   * near level and the message being applied are what this provokes.
   */
  @Test
  void concurrentReaders_neverKeepWhatAMessageInvalidated() throws Exception {
    NearCacheBackend a = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverA = cache(a);
    LayerCache serverB = cache(b);
    AtomicLong db = new AtomicLong(0);
    AtomicLong applied = new AtomicLong(0); // the newest write B is known to have applied
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong stale = new AtomicLong();
    CacheKey key = CacheKey.of("article", 3);
    ExecutorService readers = Executors.newFixedThreadPool(3);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      running.add(
          readers.submit(
              () -> {
                while (!stop.get()) {
                  long floor = applied.get();
                  Long v = serverB.get(key, Long.class, POLICY, db::get);
                  if (v != null && v < floor) {
                    stale.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    try {
      for (long round = 1; round <= 300; round++) {
        long messagesBefore = b.stats().messages();
        db.set(round);
        serverA.invalidateTags("articles");
        NearCaches.await(() -> b.stats().messages() > messagesBefore, "the message");
        applied.set(round);
      }
    } finally {
      stop.set(true);
      readers.shutdown();
    }
    for (Future<?> f : running) {
      f.get(NearCaches.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(stale).as("reads older than a write whose message had arrived").hasValue(0);
    assertThat(b.stats().hits()).as("the near level was in use").isPositive();
  }

  /**
   * Server B listens on another channel, so A's invalidations never reach it: B keeps serving what
   * its near level holds until the level's TTL ends. This is the failure the bus prevents, and the
   * TTL is the bound on it.
   */
  @Test
  void withoutTheBus_nearLevelServesStaleUntilItsTtl() {
    Duration ttl = Duration.ofSeconds(2);
    NearCacheBackend a = near("channel-a", Duration.ofMinutes(1));
    NearCacheBackend b = near("channel-b", ttl);
    LayerCache serverA = cache(a);
    LayerCache serverB = cache(b);
    for (int attempt = 1; ; attempt++) {
      AtomicLong db = new AtomicLong(1);
      CacheKey key = CacheKey.of("article", 40 + attempt);
      // B's near entry is written after this instant, so it cannot expire before filling + ttl.
      long filling = System.nanoTime();
      fillNear(serverB, key, Long.class, db::get);
      db.set(2);
      serverA.invalidateTags("articles");
      assertThat(serverA.get(key, Long.class, POLICY, db::get)).isEqualTo(2);
      Long seen = serverB.get(key, Long.class, POLICY, db::get);
      if (System.nanoTime() - filling < ttl.toNanos()) {
        assertThat(seen).as("no message reached B: its near level is stale").isEqualTo(1);
        awaitExpiry(serverB, key, db, filling + ttl.toNanos());
        return;
      }
      // The machine stalled for longer than the TTL: the entry may have expired, so what B read
      // proves nothing either way. Try again with a new key.
      assertThat(attempt).as("attempts that took longer than the near TTL").isLessThan(10);
    }
  }

  /**
   * Reads the key on {@code server} until it returns the database's value, which its near level may
   * only do once the entry's TTL has passed: at {@code expiresNoEarlier} ({@link
   * System#nanoTime()}) or later.
   */
  private static void awaitExpiry(
      LayerCache server, CacheKey key, AtomicLong db, long expiresNoEarlier) {
    long deadline = expiresNoEarlier + NearCaches.DEADLINE.toNanos();
    while (true) {
      Long seen = server.get(key, Long.class, POLICY, db::get);
      long readEnd = System.nanoTime();
      if (seen != null && seen == db.get()) {
        assertThat(readEnd - expiresNoEarlier)
            .as("the near entry was dropped before its TTL ended")
            .isNotNegative();
        return;
      }
      assertThat(seen).as("until the TTL ends, the near level's stale value").isEqualTo(1);
      if (readEnd > deadline) {
        throw new AssertionError("the near level kept its entry long past its TTL");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  @Test
  void killedSubscription_clearsAndBypassesTheNearLevel_untilResubscribed() {
    NearCacheBackend a = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverA = cache(a);
    LayerCache serverB = cache(b);
    AtomicLong db = new AtomicLong(1);
    CacheKey key = CacheKey.of("article", 5);
    fillNear(serverB, key, Long.class, db::get);
    assertThat(b.size()).isPositive();
    long clears = b.stats().clears();

    admin.clientKill(
        new redis.clients.jedis.params.ClientKillParams()
            .type(redis.clients.jedis.args.ClientType.PUBSUB));
    // Both subscriptions were killed; A's invalidation may be published while B is away.
    db.set(2);
    serverA.invalidateTags("articles");
    NearCaches.await(
        () -> b.stats().clears() >= clears + 2 && b.stats().live(),
        "B to drop its subscription, clear its level and subscribe again");
    assertThat(serverB.get(key, Long.class, POLICY, db::get)).isEqualTo(2);
  }

  @Test
  void gapInASendersNumbers_clearsTheNearLevel() {
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverB = cache(b);
    CacheKey key = CacheKey.of("article", 6);
    fillNear(serverB, key, String.class, () -> "v1");
    assertThat(b.size()).isPositive();
    byte[] channel = RedisInvalidationBus.DEFAULT_CHANNEL.getBytes(StandardCharsets.UTF_8);
    long now = System.currentTimeMillis();
    admin.publish(
        channel, new InvalidationMessage("other", 1, now, List.of(), List.of()).toBytes());
    NearCaches.await(() -> b.stats().messages() == 1, "message 1");
    assertThat(b.size()).as("message 1 named nothing we hold").isPositive();
    // Message 2 of that sender never arrives.
    admin.publish(
        channel, new InvalidationMessage("other", 3, now, List.of(), List.of()).toBytes());
    NearCaches.await(() -> b.stats().gaps() == 1, "the gap");
    assertThat(b.size()).isZero();
  }

  @Test
  void unreadableMessage_clearsTheNearLevel() {
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverB = cache(b);
    CacheKey key = CacheKey.of("article", 7);
    fillNear(serverB, key, String.class, () -> "v1");
    long clears = b.stats().clears();
    admin.publish(RedisInvalidationBus.DEFAULT_CHANNEL, "DEL everything");
    // The bus reports the subscription lost (the level is cleared) and back at once (cleared
    // again, then live): the second clear and the return to live are what end the handling.
    NearCaches.await(
        () -> b.stats().clears() >= clears + 2 && b.stats().live(),
        "the level to be cleared and the subscription to be live again");
    assertThat(b.size()).isZero();
    assertThat(b.stats().live()).isTrue();
  }

  @Test
  void frozenServer_subscriptionIsDroppedByTheWatchdog_andComesBack() throws Exception {
    NearCacheBackend b =
        near(
            RedisInvalidationBus.DEFAULT_CHANNEL,
            Duration.ofMinutes(1),
            WATCHDOG_PING,
            FROZEN_TIMEOUT);
    LayerCache serverB = cache(b);
    CacheKey key = CacheKey.of("article", 8);
    fillNear(serverB, key, String.class, () -> "v1");
    server.pause();
    try {
      // The subscription is marked lost first, then the level is cleared.
      NearCaches.await(
          () -> !b.stats().live() && b.size() == 0,
          "the watchdog to drop the subscription and clear the level");
      // While the bus cannot vouch for anything, reads go to Redis (which is frozen): the loader
      // answers.
      assertThat(serverB.get(key, String.class, POLICY, () -> "loaded")).isEqualTo("loaded");
    } finally {
      server.resume();
    }
    NearCaches.await(() -> b.stats().live(), "the subscription");
    assertThat(serverB.get(key, String.class, POLICY, () -> "v2")).isIn("v1", "v2", "loaded");
  }
}
