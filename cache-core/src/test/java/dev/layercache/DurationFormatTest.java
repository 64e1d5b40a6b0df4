package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.annotation.Cached;
import dev.layercache.annotation.DurationFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationFormatTest {
  @Test
  void parse_acceptsIsoAndTheSimpleForm() {
    assertThat(DurationFormat.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationFormat.parse("pt0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationFormat.parse("P1D")).isEqualTo(Duration.ofDays(1));
    assertThat(DurationFormat.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationFormat.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationFormat.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationFormat.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationFormat.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(DurationFormat.parse("7us")).isEqualTo(Duration.ofNanos(7000));
    assertThat(DurationFormat.parse("9ns")).isEqualTo(Duration.ofNanos(9));
    assertThat(DurationFormat.parse("10M")).isEqualTo(Duration.ofMinutes(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "m", "10x", "ten m", "10 m", "PT", "P10", "1.5s", "-"})
  void parse_refusesAnythingElse_namingTheText(String text) {
    assertThatThrownBy(() -> DurationFormat.parse(text))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'" + text + "'");
  }

  public interface Assembler {
    @Cached(name = "simple", ttl = "10m", softTtl = "30s")
    String simple(long id);

    @Cached(name = "iso", ttl = "PT10M")
    String iso(long id);

    @Cached(name = "bad", ttl = "10")
    String bad(long id);
  }

  @Test
  void cachedTtl_acceptsBothForms_andReportsABadOneAtPlanning() throws Exception {
    try (LayerCache cache =
        LayerCache.builder()
            .namespace("df")
            .backend(dev.layercache.local.LocalBackend.builder().build())
            .build()) {
      CachingPlan.Read simple =
          (CachingPlan.Read)
              ObjectCaching.plan(Assembler.class.getMethod("simple", long.class), cache);
      assertThat(simple.policy(new Object[] {1L}).ttl()).isEqualTo(Duration.ofMinutes(10));
      assertThat(simple.policy(new Object[] {1L}).softTtl()).isEqualTo(Duration.ofSeconds(30));
      CachingPlan.Read iso =
          (CachingPlan.Read)
              ObjectCaching.plan(Assembler.class.getMethod("iso", long.class), cache);
      assertThat(iso.policy(new Object[] {1L}).ttl()).isEqualTo(Duration.ofMinutes(10));
      assertThatThrownBy(
              () -> ObjectCaching.plan(Assembler.class.getMethod("bad", long.class), cache))
          .isInstanceOf(CacheConfigurationException.class)
          .hasMessageContaining("Assembler.bad ttl '10' is not a duration");
    }
  }
}
