package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Round trips per operation on a three-master Redis Cluster, counted by each master (see {@link
 * ServerTraffic}): at most one request per node, and hits read only with plain {@code GET}s.
 */
@SuppressWarnings("deprecation") // JedisCluster: its replacement is not in Jedis 6
class RedisClusterRoundTripsIT {
  /**
   * Timeouts far above what a busy machine takes: a call that times out is retried or falls back,
   * which would change the counts. For the same reason no call may count as slow for the circuit
   * breaker, which would then skip calls.
   */
  private static final Duration PATIENT = Duration.ofSeconds(10);

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles", "user:7").build();

  private static RedisTestCluster cluster;
  private static List<Jedis> masters;
  private static LayerCache cache;

  @BeforeAll
  static void start() {
    cluster = RedisTestCluster.start(3, 0);
    masters = new ArrayList<>();
    for (String seed : cluster.seeds()) {
      HostAndPort node = HostAndPort.from(seed);
      masters.add(new Jedis(node.getHost(), node.getPort()));
    }
    cache =
        LayerCache.builder()
            .namespace("crt")
            .backend(
                RedisBackend.builder()
                    .cluster(cluster.seeds())
                    .connectTimeout(PATIENT)
                    .readTimeout(PATIENT)
                    .build())
            .slowCallThreshold(PATIENT)
            .build();
    // Opens connections to every node and reads the policy tags once, as any first calls do.
    for (int i = 0; i < 10; i++) {
      cache.get(CacheKey.of("warm", i), String.class, POLICY, () -> "warm");
    }
  }

  @AfterAll
  static void stop() {
    cache.close();
    masters.forEach(Jedis::close);
    cluster.close();
  }

  @Test
  void missAndFill_thenHit_atMostOneRequestPerNodeEach_hitIsPlainGets() {
    CacheKey key = CacheKey.of("article", 1);
    ServerTraffic.Traffic miss = traffic(() -> cache.get(key, String.class, POLICY, () -> "v"));
    // The read (the new key tag created by the single-key script) and the fill, a SET.
    assertThat(miss.mostOnOneServer()).isLessThanOrEqualTo(2);
    assertThat(miss.commands()).containsEntry("evalsha", 1L).containsEntry("set", 1L);
    ServerTraffic.Traffic hit = traffic(() -> cache.get(key, String.class, POLICY, () -> "x"));
    assertThat(hit.mostOnOneServer()).isEqualTo(1);
    // The entry, the key tag and both policy tags, all versions read lately: no script.
    assertThat(hit.commands()).isEqualTo(Map.of("get", 4L));
  }

  @Test
  void getAll_ofManyHits_isOneRequestPerNode() {
    ServerTraffic.Traffic t = ServerTraffic.ofGetAllHits(masters, cache, POLICY, 20);
    assertThat(t.mostOnOneServer()).isEqualTo(1);
    assertThat(t.requests()).isLessThanOrEqualTo(3);
    // The 20 entries, their 20 key tags (created by the puts) and the 2 policy tags.
    assertThat(t.commands()).isEqualTo(Map.of("get", 42L));
  }

  @Test
  void versionLostAfterItWasRead_isAMiss_andOldEntryIsNeverServed() {
    CacheKey key = CacheKey.of("article", 5);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "x")).isEqualTo("v1");
    try (JedisCluster admin = new JedisCluster(HostAndPort.from(cluster.seeds().get(0)))) {
      admin.del(key.keyTagKey("crt"));
    }
    assertThat(cache.get(key, String.class, POLICY, () -> "v2")).isEqualTo("v2");
    assertThat(cache.get(key, String.class, POLICY, () -> "v3")).isEqualTo("v2");
  }

  private static ServerTraffic.Traffic traffic(Runnable action) {
    return ServerTraffic.measure(masters, action);
  }
}
