package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder rejects bad settings at once, naming the rejected value; no server is needed. */
class RedisBackendBuilderTest {

  @Test
  void defaults_areMillisecondsSuitedToACache() {
    assertThat(RedisBackend.DEFAULT_CONNECT_TIMEOUT_MILLIS).isBetween(50L, 1000L);
    assertThat(RedisBackend.DEFAULT_READ_TIMEOUT_MILLIS).isBetween(50L, 250L);
    try (RedisBackend b = RedisBackend.builder().build()) {
      assertThat(b.name()).isEqualTo("redis");
      assertThat(b.maxEntryBytes()).isEqualTo(RedisBackend.DEFAULT_MAX_ENTRY_BYTES);
    }
  }

  @Test
  void uri_withCredentialsTlsAndDatabase_isAccepted() {
    try (RedisBackend b =
        RedisBackend.builder().uri("rediss://app:s%40cret@cache.example:6380/2").build()) {
      assertThat(b.name()).isEqualTo("redis");
    }
  }

  @Test
  void uri_badSchemeOrPath_isRejectedNamingTheUri() {
    assertThatThrownBy(() -> RedisBackend.builder().uri("http://localhost:6379"))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("http://localhost:6379");
    assertThatThrownBy(() -> RedisBackend.builder().uri("redis://localhost:6379/zero"))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("/zero");
  }

  @Test
  void numericSettings_outOfRange_areRejectedWithTheValue() {
    RedisBackend.Builder b = RedisBackend.builder();
    assertThatThrownBy(() -> b.standalone("localhost", 70000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> b.readTimeout(Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofMinutes(5))).hasMessageContaining("PT5M");
    assertThatThrownBy(() -> b.poolMaxTotal(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> b.maxEntryBytes(-1)).hasMessageContaining("was -1");
    assertThatThrownBy(() -> b.database(-2)).hasMessageContaining("was -2");
    assertThatThrownBy(() -> b.clusterMaxAttempts(99)).hasMessageContaining("was 99");
    assertThatThrownBy(() -> b.tagVersionTtl(Duration.ofMillis(5)))
        .hasMessageContaining("PT0.005S");
  }

  @Test
  void clusterAndSentinelAddresses_mustBeHostPort() {
    assertThatThrownBy(() -> RedisBackend.builder().cluster(List.of("nohost")))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'nohost'");
    assertThatThrownBy(() -> RedisBackend.builder().sentinel("mymaster", List.of()))
        .isInstanceOf(CacheConfigurationException.class);
    assertThatThrownBy(() -> RedisBackend.builder().sentinel(" ", List.of("h:26379")))
        .isInstanceOf(CacheConfigurationException.class);
  }

  @Test
  void contradictions_areRejectedAtBuild() {
    assertThatThrownBy(
            () -> RedisBackend.builder().cluster(List.of("127.0.0.1:7000")).database(3).build())
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("database was 3");
    assertThatThrownBy(() -> RedisBackend.builder().poolMaxIdle(2).poolMinIdle(5).build())
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("5");
  }

  @Test
  void awaitReplicas_badCountOrTopology_isRejectedNamingIt() {
    assertThatThrownBy(() -> RedisBackend.builder().awaitReplicas(-1, Duration.ofMillis(50)))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("was -1");
    assertThatThrownBy(() -> RedisBackend.builder().awaitReplicas(1, Duration.ZERO))
        .hasMessageContaining("PT0S");
    // A cluster is asked for its slot map only after the settings were checked.
    assertThatThrownBy(
            () ->
                RedisBackend.builder()
                    .cluster(List.of("127.0.0.1:1"))
                    .awaitReplicas(1, Duration.ofMillis(50))
                    .build())
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("awaitReplicas is not available for a Redis Cluster");
  }
}
