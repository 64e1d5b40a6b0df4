package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import dev.layercache.InvalidCacheKeyException;
import dev.layercache.memcached.internal.Expiration;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration and input checks that need no server. */
class MemcachedBackendBuilderTest {

  @Test
  void servers_blankOrMalformed_failsWithTheValue() {
    assertThatThrownBy(() -> MemcachedBackend.builder().servers(" "))
        .isInstanceOf(CacheConfigurationException.class);
    assertThatThrownBy(() -> MemcachedBackend.builder().servers("localhost"))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'localhost'");
    assertThatThrownBy(() -> MemcachedBackend.builder().servers("127.0.0.1:1 127.0.0.1:1"))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void build_withoutServers_fails() {
    assertThatThrownBy(() -> MemcachedBackend.builder().build())
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("servers");
  }

  @Test
  void numericSettings_outOfRange_failWithTheValue() {
    assertThatThrownBy(() -> MemcachedBackend.builder().operationTimeout(Duration.ZERO))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> MemcachedBackend.builder().itemSizeLimit(100))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("100");
    assertThatThrownBy(() -> MemcachedBackend.builder().timeoutExceptionThreshold(1))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("1");
    assertThatThrownBy(() -> MemcachedBackend.builder().maxReconnectDelay(Duration.ofMillis(10)))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("PT0.01S");
    assertThatThrownBy(() -> MemcachedBackend.builder().credentials("", "x"))
        .isInstanceOf(CacheConfigurationException.class);
  }

  @Test
  void expiration_roundsUpToSeconds_andIsAbsoluteBeyond30Days() {
    long now = 1_800_000_000_000L;
    assertThat(Expiration.of(1, now)).isEqualTo(1);
    assertThat(Expiration.of(1000, now)).isEqualTo(1);
    assertThat(Expiration.of(1001, now)).isEqualTo(2);
    assertThat(Expiration.of(Duration.ofDays(30).toMillis(), now)).isEqualTo(2_592_000);
    assertThat(Expiration.of(Duration.ofDays(31).toMillis(), now))
        .isEqualTo(1_800_000_000 + 31 * 86_400);
  }

  @Test
  void unsafeKeys_areRejectedBeforeAnyIo() {
    try (MemcachedBackend backend =
        MemcachedBackend.builder().servers("127.0.0.1:1").connectWait(Duration.ZERO).build()) {
      assertThatThrownBy(() -> backend.read("has space", "t", List.of()))
          .isInstanceOf(InvalidCacheKeyException.class)
          .hasMessageContaining("0x20");
      assertThatThrownBy(() -> backend.delete("x".repeat(251)))
          .isInstanceOf(InvalidCacheKeyException.class)
          .hasMessageContaining("251");
      assertThatThrownBy(() -> backend.bumpTags(List.of("tab\tkey")))
          .isInstanceOf(InvalidCacheKeyException.class);
      assertThatThrownBy(() -> backend.read("k", "caf\u00e9", List.of()))
          .isInstanceOf(InvalidCacheKeyException.class);
    }
  }

  @Test
  void maxEntryBytes_leavesRoomForTheItemHeader() {
    try (MemcachedBackend backend =
        MemcachedBackend.builder()
            .servers("127.0.0.1:1")
            .itemSizeLimit(64 * 1024)
            .connectWait(Duration.ZERO)
            .build()) {
      assertThat(backend.maxEntryBytes())
          .isEqualTo(64 * 1024 - MemcachedBackend.ITEM_OVERHEAD_BYTES);
    }
  }
}
