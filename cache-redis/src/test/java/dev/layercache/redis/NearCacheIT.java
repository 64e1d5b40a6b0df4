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
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NearCacheIT {
  private static final Duration PING = Duration.ofMillis(100);
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
    return NearCaches.live(
        NearCacheBackend.builder(
                RedisBackend.builder()
                    .uri(uri())
                    .readTimeout(Duration.ofMillis(200))
                    .connectTimeout(Duration.ofMillis(200))
                    .build(),
                RedisInvalidationBus.builder()
                    .uri(uri())
                    .channel(channel)
                    .pingInterval(PING)
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

  private long evalCalls() {
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        int from = line.indexOf("calls=") + "calls=".length();
        return Long.parseLong(line.substring(from, line.indexOf(',', from)));
      }
    }
    return 0;
  }

  @Test
  void nearHit_costsNoRoundTrip() {
    NearCacheBackend backend = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache cache = cache(backend);
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1"); // miss, fill
    assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1"); // remote hit
    long calls = evalCalls();
    for (int i = 0; i < 100; i++) {
      assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1");
    }
    assertThat(evalCalls()).as("reads sent to Redis by 100 near hits").isEqualTo(calls);
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
    for (int round = 2; round <= 50; round++) {
      long messagesBefore = b.stats().messages();
      db.set(round);
      serverA.invalidateTags("articles");
      assertThat(serverA.get(key, Long.class, POLICY, db::get))
          .as("the writing server reads its own write")
          .isEqualTo(round);
      NearCaches.await(
          () -> b.stats().messages() > messagesBefore, Duration.ofSeconds(5), "the message");
      assertThat(serverB.get(key, Long.class, POLICY, db::get))
          .as("the other server, once the message arrived")
          .isEqualTo(round);
    }
    assertThat(b.stats().gaps()).isZero();
    assertThat(b.stats().maxLagMillis()).isLessThan(1_000);
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
        NearCaches.await(
            () -> b.stats().messages() > messagesBefore, Duration.ofSeconds(5), "the message");
        applied.set(round);
      }
    } finally {
      stop.set(true);
      readers.shutdown();
    }
    for (Future<?> f : running) {
      f.get(10, TimeUnit.SECONDS);
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
  void withoutTheBus_nearLevelServesStaleUntilItsTtl() throws Exception {
    NearCacheBackend a = near("channel-a", Duration.ofMinutes(1));
    NearCacheBackend b = near("channel-b", Duration.ofMillis(700));
    LayerCache serverA = cache(a);
    LayerCache serverB = cache(b);
    AtomicLong db = new AtomicLong(1);
    CacheKey key = CacheKey.of("article", 4);
    fillNear(serverB, key, Long.class, db::get);
    db.set(2);
    serverA.invalidateTags("articles");
    assertThat(serverA.get(key, Long.class, POLICY, db::get)).isEqualTo(2);
    assertThat(serverB.get(key, Long.class, POLICY, db::get))
        .as("no message reached B: its near level is stale")
        .isEqualTo(1);
    Thread.sleep(900);
    assertThat(serverB.get(key, Long.class, POLICY, db::get)).as("after the TTL").isEqualTo(2);
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
        Duration.ofSeconds(10),
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
    NearCaches.await(() -> b.stats().messages() == 1, Duration.ofSeconds(5), "message 1");
    assertThat(b.size()).as("message 1 named nothing we hold").isPositive();
    // Message 2 of that sender never arrives.
    admin.publish(
        channel, new InvalidationMessage("other", 3, now, List.of(), List.of()).toBytes());
    NearCaches.await(() -> b.stats().gaps() == 1, Duration.ofSeconds(5), "the gap");
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
    NearCaches.await(
        () -> b.stats().clears() > clears, Duration.ofSeconds(5), "the level to be cleared");
    assertThat(b.size()).isZero();
    assertThat(b.stats().live()).isTrue();
  }

  @Test
  void frozenServer_subscriptionIsDroppedByTheWatchdog_andComesBack() throws Exception {
    NearCacheBackend b = near(RedisInvalidationBus.DEFAULT_CHANNEL, Duration.ofMinutes(1));
    LayerCache serverB = cache(b);
    CacheKey key = CacheKey.of("article", 8);
    fillNear(serverB, key, String.class, () -> "v1");
    server.pause();
    try {
      // The subscription is marked lost first, then the level is cleared.
      NearCaches.await(
          () -> !b.stats().live() && b.size() == 0,
          Duration.ofSeconds(5),
          "the watchdog to drop the subscription and clear the level");
      // While the bus cannot vouch for anything, reads go to Redis (which is frozen): the loader
      // answers.
      assertThat(serverB.get(key, String.class, POLICY, () -> "loaded")).isEqualTo("loaded");
    } finally {
      server.resume();
    }
    NearCaches.await(() -> b.stats().live(), Duration.ofSeconds(10), "the subscription");
    assertThat(serverB.get(key, String.class, POLICY, () -> "v2")).isIn("v1", "v2", "loaded");
  }
}
