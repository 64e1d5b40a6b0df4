package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  @Test
  void typedEncoding_keepsPartBoundariesApart() {
    assertThat(CacheKey.of("k", 1, "a")).isNotEqualTo(CacheKey.of("k", "1a"));
    assertThat(CacheKey.of("k", "a", "b")).isNotEqualTo(CacheKey.of("k", "ab"));
    assertThat(CacheKey.of("k", "1")).isNotEqualTo(CacheKey.of("k", 1));
    assertThat(CacheKey.of("k", List.of("a", "b"))).isNotEqualTo(CacheKey.of("k", "a", "b"));
    assertThat(CacheKey.of("a", 1)).isNotEqualTo(CacheKey.of("b", 1));
  }

  @Test
  void integralWidths_areTheSameKey() {
    assertThat(CacheKey.of("k", 42)).isEqualTo(CacheKey.of("k", 42L));
    assertThat(CacheKey.of("k", (short) 42).hash()).isEqualTo(CacheKey.of("k", 42L).hash());
  }

  @Test
  void decimalScale_matters() {
    assertThat(CacheKey.of("k", new BigDecimal("1.0")))
        .isNotEqualTo(CacheKey.of("k", new BigDecimal("1.00")));
  }

  @Test
  void entryKey_isBoundedAndSafe_evenForHugeParts() {
    CacheKey key = CacheKey.of("article", "x".repeat(10_000), UUID.randomUUID(), LocalDate.now());
    String entryKey = key.entryKey("a".repeat(64));
    assertThat(entryKey.length()).isLessThanOrEqualTo(250);
    assertThat(key.keyTagKey("a".repeat(64)).length()).isLessThanOrEqualTo(250);
    assertThat(entryKey).matches("[A-Za-z0-9_.:~-]+");
    assertThat(key.fingerprint()).hasSize(64); // SHA-512 of the long encoding
    assertThat(CacheKey.of("article", 42L).fingerprint().length).isLessThan(64);
  }

  @Test
  void nullPart_isRejectedWithPosition() {
    assertThatThrownBy(() -> CacheKey.of("article", 1, null))
        .isInstanceOf(InvalidCacheKeyException.class)
        .hasMessageContaining("part 1 of key 'article' is null");
    assertThat(CacheKey.builder("k").add(1).addNull().build())
        .isNotEqualTo(CacheKey.builder("k").add(1).build());
  }

  @Test
  void unsupportedPart_isRejectedWithType() {
    assertThatThrownBy(() -> CacheKey.of("article", new Object()))
        .isInstanceOf(InvalidCacheKeyException.class)
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void badNames_areRejected() {
    assertThatThrownBy(() -> CacheKey.of("", 1)).isInstanceOf(InvalidCacheKeyException.class);
    assertThatThrownBy(() -> CacheKey.of("has space", 1))
        .isInstanceOf(InvalidCacheKeyException.class)
        .hasMessageContaining("' ' at index 3");
    assertThatThrownBy(() -> CacheKey.of("x".repeat(65), 1))
        .isInstanceOf(InvalidCacheKeyException.class);
    assertThatThrownBy(() -> LayerCache.builder().namespace("a:b"))
        .isInstanceOf(InvalidCacheKeyException.class);
  }

  @Test
  void toString_neverShowsParts() {
    assertThat(CacheKey.of("user", "alice@example.com").toString())
        .doesNotContain("alice")
        .startsWith("user:");
  }

  @Test
  void tags_areValidated() {
    assertThatThrownBy(() -> CachePolicy.builder().tags("~reserved"))
        .isInstanceOf(InvalidCacheKeyException.class);
    assertThatThrownBy(() -> CachePolicy.builder().tags(""))
        .isInstanceOf(InvalidCacheKeyException.class);
    CachePolicy p = CachePolicy.builder().tags("user:42", "with space é", "y".repeat(500)).build();
    for (String k : p.tagKeys("blog")) {
      assertThat(k.length()).isLessThanOrEqualTo(250);
      assertThat(k).matches("[\\x21-\\x7e]+");
    }
  }

  @Test
  void policy_rejectsBadSettingsWithTheValue() {
    assertThatThrownBy(() -> CachePolicy.builder().jitter(0.9))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("0.9");
    assertThatThrownBy(
            () ->
                CachePolicy.builder()
                    .ttl(java.time.Duration.ofSeconds(10))
                    .softTtl(java.time.Duration.ofSeconds(20))
                    .build())
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("PT20S");
  }
}
