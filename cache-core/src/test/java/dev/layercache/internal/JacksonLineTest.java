package dev.layercache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import org.junit.jupiter.api.Test;

/** A Jackson outside the supported range fails when a codec is created, naming both versions. */
class JacksonLineTest {

  @Test
  void supportedJackson2Versions_areAccepted() {
    for (String v : new String[] {"2.16.0", "2.17.1", "2.19.2", "2.20", "2.23.0", "2.24.0-rc1"}) {
      assertThatCode(() -> JacksonLine.JACKSON_2.check("jackson-databind", v))
          .as(v)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void olderJackson2_isRefusedNamingBothVersions() {
    for (String v : new String[] {"2.15.4", "2.12.7", "2.9.10", "1.9.13"}) {
      assertThatThrownBy(
              () -> JacksonLine.JACKSON_2.check("com.fasterxml.jackson.core:jackson-databind", v))
          .isInstanceOf(CacheConfigurationException.class)
          .hasMessageContaining(
              "Jackson 2 " + v + " (com.fasterxml.jackson.core:jackson-databind) is on the class")
          .hasMessageContaining("supports Jackson 2 2.16.0 to 2.x");
    }
  }

  @Test
  void supportedJackson3Versions_areAccepted() {
    for (String v : new String[] {"3.0.0", "3.0.4", "3.1.0-rc1", "3.3.0", "3.10.1"}) {
      assertThatCode(() -> JacksonLine.JACKSON_3.check("jackson-databind", v))
          .as(v)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void jackson3OutsideItsMajor_isRefusedNamingBothVersions() {
    for (String v : new String[] {"2.99.0", "4.0.0"}) {
      assertThatThrownBy(
              () -> JacksonLine.JACKSON_3.check("tools.jackson.core:jackson-databind", v))
          .isInstanceOf(CacheConfigurationException.class)
          .hasMessageContaining(
              "Jackson 3 " + v + " (tools.jackson.core:jackson-databind) is on the class path")
          .hasMessageContaining("supports Jackson 3 3.0.0 to 3.x");
    }
  }

  @Test
  void unreadableVersion_isRefusedNamingIt() {
    assertThatThrownBy(() -> JacksonLine.JACKSON_3.check("jackson-core", "three"))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'three'")
        .hasMessageContaining("3.0.0 to 3.x");
  }

  @Test
  void theJacksonsOfThisBuild_arePresentSupportedAndKnown() {
    assertThat(JacksonLine.JACKSON_2.present()).isTrue();
    assertThat(JacksonLine.JACKSON_3.present()).isTrue();
    assertThat(JacksonLine.JACKSON_2.check()).startsWith("2.");
    assertThat(JacksonLine.JACKSON_3.check()).startsWith("3.");
  }
}
