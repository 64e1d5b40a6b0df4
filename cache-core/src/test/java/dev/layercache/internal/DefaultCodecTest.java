package dev.layercache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import dev.layercache.LayerCache;
import dev.layercache.codec.Jackson3Codec;
import dev.layercache.codec.JacksonCodec;
import dev.layercache.local.LocalBackend;
import org.junit.jupiter.api.Test;

/**
 * Which codec a cache built without one uses. {@code DefaultCodecWithoutJackson2Test} shows the
 * same on a class path that really lacks Jackson 2.
 */
class DefaultCodecTest {

  @Test
  void build_withBothJacksonsPresent_usesTheJackson2Codec() {
    try (LayerCache cache =
        LayerCache.builder().namespace("t").backend(LocalBackend.builder().build()).build()) {
      assertThat(((CacheEngine) cache).codec()).isInstanceOf(JacksonCodec.class);
    }
  }

  @Test
  void build_withACodecGiven_usesThatCodec() {
    Jackson3Codec given = Jackson3Codec.create(1024);
    try (LayerCache cache =
        LayerCache.builder()
            .namespace("t")
            .backend(LocalBackend.builder().build())
            .codec(given)
            .build()) {
      assertThat(((CacheEngine) cache).codec()).isSameAs(given);
    }
  }

  @Test
  void select_prefersJackson2_andTakesJackson3WhenItIsTheOnlyOne() {
    assertThat(DefaultCodec.select(1024, true, true)).isInstanceOf(JacksonCodec.class);
    assertThat(DefaultCodec.select(1024, true, false)).isInstanceOf(JacksonCodec.class);
    assertThat(DefaultCodec.select(1024, false, true)).isInstanceOf(Jackson3Codec.class);
  }

  @Test
  void select_withNoJackson_failsNamingBothArtifacts() {
    assertThatThrownBy(() -> DefaultCodec.select(1024, false, false))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("com.fasterxml.jackson.core:jackson-databind")
        .hasMessageContaining("tools.jackson.core:jackson-databind")
        .hasMessageContaining("codec(");
  }
}
