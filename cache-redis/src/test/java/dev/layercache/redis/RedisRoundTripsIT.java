package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Round trips per operation, counted by the server ({@code INFO commandstats}) on a server of the
 * test's own. Commands run inside the backend's scripts ({@code GET}, {@code INCRBY}, {@code INCR},
 * {@code PEXPIRE}, {@code DEL}) are never sent by the backend itself, so every other command
 * counted is one round trip.
 */
class RedisRoundTripsIT {
  private static final Set<String> SCRIPTED = Set.of("get", "incrby", "incr", "pexpire", "del");
  // This test's own INFO and CONFIG RESETSTAT, and the pool's background health checks.
  private static final Set<String> NOT_OURS = Set.of("info", "config|resetstat", "ping");
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles", "user:7").build();

  private static ServerProcess server;
  private static Jedis admin;
  private static LayerCache cache;

  @BeforeAll
  static void start() {
    server = TestServers.startRedis();
    admin = new Jedis(server.host(), server.port());
    cache =
        LayerCache.builder()
            .namespace("rt")
            .backend(RedisBackend.builder().standalone(server.host(), server.port()).build())
            .build();
    // Loads the scripts into the server, as any first call after a start does.
    cache.get(CacheKey.of("warm", 0), String.class, POLICY, () -> "warm");
  }

  @AfterAll
  static void stop() {
    cache.close();
    admin.close();
    server.close();
  }

  @Test
  void missAndFill_ofNewKey_isTwoRoundTrips_thenHit_isOne() {
    CacheKey key = CacheKey.of("article", 1);
    assertThat(roundTrips(() -> cache.get(key, String.class, POLICY, () -> "v"))).isEqualTo(2);
    assertThat(roundTrips(() -> cache.get(key, String.class, POLICY, () -> "x"))).isEqualTo(1);
  }

  @Test
  void missAndFill_afterTagBump_isTwoRoundTrips() {
    CacheKey key = CacheKey.of("article", 2);
    cache.get(key, String.class, POLICY, () -> "v1");
    assertThat(roundTrips(() -> cache.invalidateTags("user:7"))).isEqualTo(1);
    assertThat(roundTrips(() -> cache.get(key, String.class, POLICY, () -> "v2"))).isEqualTo(2);
    assertThat(cache.get(key, String.class, POLICY, () -> "v3")).isEqualTo("v2");
  }

  @Test
  void getAll_ofManyHits_isOneRoundTrip() throws Exception {
    List<CacheKey> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      keys.add(CacheKey.of("bulk", i));
      cache.put(keys.get(i), "v" + i, POLICY);
    }
    long trips =
        roundTrips(
            () -> {
              try {
                assertThat(cache.getAll(keys, String.class, POLICY, missing -> java.util.Map.of()))
                    .hasSize(20);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(trips).isEqualTo(1);
  }

  @Test
  void evict_isOneRoundTrip() {
    CacheKey key = CacheKey.of("article", 3);
    cache.put(key, "v", POLICY);
    assertThat(roundTrips(() -> cache.evict(key))).isEqualTo(1);
    assertThat(cache.get(key, String.class)).isNull();
  }

  /** The commands the server received from the backend while {@code action} ran. */
  private static long roundTrips(Runnable action) {
    admin.configResetStat();
    action.run();
    long trips = 0;
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      String command = line.substring("cmdstat_".length(), line.indexOf(':'));
      int from = line.indexOf("calls=") + "calls=".length();
      long calls = Long.parseLong(line.substring(from, line.indexOf(',', from)));
      if (!SCRIPTED.contains(command) && !NOT_OURS.contains(command)) {
        trips += calls;
      }
    }
    return trips;
  }
}
