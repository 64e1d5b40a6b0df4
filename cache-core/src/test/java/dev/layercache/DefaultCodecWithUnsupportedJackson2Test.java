package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.local.LocalBackend;
import org.junit.jupiter.api.Test;

/**
 * A Jackson 2 older than the codec supports, with Jackson 3 beside it: building a cache without a
 * codec fails at once, naming the version found and the versions supported, rather than at the
 * first request or by quietly switching codecs. Run by the {@code unsupported-jackson2} surefire
 * execution only, which puts that Jackson 2 on the test class path.
 */
class DefaultCodecWithUnsupportedJackson2Test {

  @Test
  void build_withoutCodec_failsNamingFoundAndSupportedVersions() {
    String found = System.getProperty("layercache.unsupportedJackson");
    assertThat(found).as("the build names the Jackson 2 of this run").isNotBlank();
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
        .isEqualTo(found);
    LayerCache.Builder builder =
        LayerCache.builder().namespace("t").backend(LocalBackend.builder().build());
    assertThatThrownBy(builder::build)
        .isExactlyInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("Jackson 2 " + found)
        .hasMessageContaining("2.16.0 to 2.x")
        .hasMessageContaining("codec(");
  }
}
