package dev.layercache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import dev.layercache.CacheConfigurationException;
import dev.layercache.CacheSerializationException;
import dev.layercache.codec.Jackson3Codec;
import dev.layercache.codec.JacksonCodec;
import org.junit.jupiter.api.Test;

/**
 * The Jackson 2 codec passes the codec contract, on the Jackson 2 the build uses and, in the {@code
 * oldest-jackson2} surefire execution, on the oldest one it supports.
 */
class JacksonCodecTest extends CodecContractTest {

  JacksonCodecTest() {
    super(JacksonCodec::create);
  }

  @Test
  void mapperWithDefaultTyping_isRefused() {
    ObjectMapper unsafe = new ObjectMapper();
    unsafe.activateDefaultTyping(
        BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build());
    assertThatThrownBy(() -> JacksonCodec.of(unsafe))
        .isInstanceOf(CacheConfigurationException.class);
  }

  @Test
  void applicationMapper_withoutDefaultTyping_isAccepted() {
    JacksonCodec own = JacksonCodec.of(new ObjectMapper());
    assertThat(own.decode(own.encode(new Point(1, 2)), Point.class)).isEqualTo(new Point(1, 2));
  }

  @Test
  void id_isOne_notTheJackson3CodecsId() {
    assertThat(codec.id()).isEqualTo(JacksonCodec.ID).isEqualTo((byte) 1);
    assertThat(JacksonCodec.ID).isNotEqualTo(Jackson3Codec.ID);
  }

  @Test
  void creatorFailure_throughAMapperThatDoesNotWrapIt_isStillASerializationError() {
    var unwrapped =
        JacksonCodec.of(
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .disable(DeserializationFeature.WRAP_EXCEPTIONS)
                .build());
    assertThatThrownBy(() -> unwrapped.decode(utf8("{\"value\": -1}"), Positive.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("negative")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theJacksonOnTheClassPath_isTheOneThisRunIsFor() {
    String expected = System.getProperty("layercache.expectedJackson2");
    assertThat(expected).as("the build names the Jackson 2 of this run").isNotBlank();
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
        .isEqualTo(expected);
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString())
        .isEqualTo(expected);
  }
}
