package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Round trips per operation on a standalone server of the test's own, counted by the server (see
 * {@link ServerTraffic}).
 */
class RedisRoundTripsIT {
  /**
   * Timeouts far above what a busy machine takes: a call that times out is retried or falls back,
   * which would change the counts. For the same reason no call may count as slow for the circuit
   * breaker, which would then skip calls.
   */
  private static final Duration PATIENT = Duration.ofSeconds(10);

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles", "user:7").build();

  private static ServerProcess server;
  private static Jedis admin;
  private static LayerCache cache;
  private static LayerCache scripted;

  @BeforeAll
  static void start() {
    server = TestServers.startRedis();
    admin = new Jedis(server.host(), server.port());
    cache =
        LayerCache.builder()
            .namespace("rt")
            .backend(
                RedisBackend.builder()
                    .standalone(server.host(), server.port())
                    .connectTimeout(PATIENT)
                    .readTimeout(PATIENT)
                    .build())
            .slowCallThreshold(PATIENT)
            .build();
    scripted =
        LayerCache.builder()
            .namespace("rts")
            .backend(
                RedisBackend.builder()
                    .standalone(server.host(), server.port())
                    .connectTimeout(PATIENT)
                    .readTimeout(PATIENT)
                    .scriptedReads(true)
                    .build())
            .slowCallThreshold(PATIENT)
            .build();
    // Opens a connection and loads the scripts, as any first call after a start does.
    cache.get(CacheKey.of("warm", 0), String.class, POLICY, () -> "warm");
    cache.invalidateTags("warm");
    scripted.get(CacheKey.of("warm", 0), String.class, POLICY, () -> "warm");
  }

  @AfterAll
  static void stop() {
    cache.close();
    scripted.close();
    admin.close();
    server.close();
  }

  @Test
  void missAndFill_ofNewKey_isTwoRoundTrips_thenHit_isOneRequestOfPlainCommands() {
    CacheKey key = CacheKey.of("article", 1);
    ServerTraffic.Traffic miss = traffic(() -> cache.get(key, String.class, POLICY, () -> "v"));
    assertThat(miss.requests()).isEqualTo(2);
    // The new key tag's version is created by SET NX GET in the read's request; the fill is a SET.
    assertThat(miss.commands()).containsEntry("set", 2L).doesNotContainKey("evalsha");
    ServerTraffic.Traffic hit = traffic(() -> cache.get(key, String.class, POLICY, () -> "x"));
    assertThat(hit.requests()).isEqualTo(1);
    // The entry, the key tag and both policy tags, all versions read lately: one MGET.
    assertThat(hit.commands()).isEqualTo(Map.of("mget", 1L));
  }

  @Test
  void versionLostAfterItWasRead_missCostsOneMoreRoundTrip_andOldEntryIsNeverServed() {
    CacheKey key = CacheKey.of("article", 5);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1");
    admin.del(key.keyTagKey("rt"));
    ServerTraffic.Traffic miss = traffic(() -> cache.get(key, String.class, POLICY, () -> "v2"));
    // The read (the MGET finds the version gone), its creation (the script), the fill.
    assertThat(miss.requests()).isEqualTo(3);
    assertThat(cache.get(key, String.class, POLICY, () -> "v3")).isEqualTo("v2");
  }

  @Test
  void missAndFill_afterTagBump_isTwoRoundTrips() {
    CacheKey key = CacheKey.of("article", 2);
    cache.get(key, String.class, POLICY, () -> "v1");
    assertThat(traffic(() -> cache.invalidateTags("user:7")).requests()).isEqualTo(1);
    assertThat(traffic(() -> cache.get(key, String.class, POLICY, () -> "v2")).requests())
        .isEqualTo(2);
    assertThat(cache.get(key, String.class, POLICY, () -> "v3")).isEqualTo("v2");
  }

  @Test
  void scriptedReads_hitIsOneScriptCall_missAndFillTwo() {
    CacheKey key = CacheKey.of("article", 4);
    assertThat(traffic(() -> scripted.get(key, String.class, POLICY, () -> "v")).requests())
        .isEqualTo(2);
    ServerTraffic.Traffic hit = traffic(() -> scripted.get(key, String.class, POLICY, () -> "x"));
    assertThat(hit.requests()).isEqualTo(1);
    assertThat(hit.commands()).containsEntry("evalsha", 1L).doesNotContainKey("set");
  }

  @Test
  void getAll_ofManyHits_isOneRoundTrip() {
    ServerTraffic.Traffic t = ServerTraffic.ofGetAllHits(List.of(admin), cache, POLICY, 20);
    assertThat(t.requests()).isEqualTo(1);
    // One MGET of the 20 entries, their 20 key tags and the 2 policy tags, created by the puts.
    assertThat(t.commands()).isEqualTo(Map.of("mget", 1L));
  }

  @Test
  void evict_isOneRoundTrip() {
    CacheKey key = CacheKey.of("article", 3);
    cache.put(key, "v", POLICY);
    assertThat(traffic(() -> cache.evict(key)).requests()).isEqualTo(1);
    assertThat(cache.get(key, String.class)).isNull();
  }

  private static ServerTraffic.Traffic traffic(Runnable action) {
    return ServerTraffic.measure(List.of(admin), action);
  }
}
