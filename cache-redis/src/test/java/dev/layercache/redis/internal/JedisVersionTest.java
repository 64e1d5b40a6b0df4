package dev.layercache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import org.junit.jupiter.api.Test;

/** A Jedis outside the supported range fails when a backend is built, naming both versions. */
class JedisVersionTest {

  @Test
  void supportedVersions_areAccepted() {
    for (String v : new String[] {"6.0.0", "6.2.0", "7.0.0", "7.1.0", "8.0.2", "8.1.0-beta1"}) {
      assertThatCode(() -> JedisVersion.check(v)).as(v).doesNotThrowAnyException();
    }
  }

  @Test
  void olderOrNewerMajor_isRefusedNamingBothVersions() {
    for (String v : new String[] {"5.2.0", "4.4.8", "9.0.0"}) {
      assertThatThrownBy(() -> JedisVersion.check(v))
          .isInstanceOf(CacheConfigurationException.class)
          .hasMessageContaining("Jedis " + v + " is on the class path")
          .hasMessageContaining("6.0.0 to 8.x");
    }
  }

  @Test
  void theJedisOfThisBuild_isSupportedAndKnown() {
    assertThat(JedisVersion.check()).isNotEqualTo("unknown").matches("[678]\\..*");
  }
}
