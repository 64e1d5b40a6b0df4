package dev.layercache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import dev.layercache.CacheSerializationException;
import dev.layercache.codec.Jackson3Codec;
import dev.layercache.codec.JacksonCodec;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * The Jackson 3 codec passes the codec contract, on the Jackson 3 the build uses and, in the {@code
 * oldest-jackson3} surefire execution, on the oldest one it supports.
 */
class Jackson3CodecTest extends CodecContractTest {

  Jackson3CodecTest() {
    super(Jackson3Codec::create);
  }

  /** A value whose JSON form Jackson 2's databind annotations define, as cached SQL results. */
  record Jackson2Shaped(
      @com.fasterxml.jackson.databind.annotation.JsonSerialize(
              using = com.fasterxml.jackson.databind.ser.std.ToStringSerializer.class)
          long id) {}

  @Test
  void aValueShapedByJackson2Annotations_isRefused_neverWrittenInAnotherForm() {
    assertThatThrownBy(() -> codec.encode(new Jackson2Shaped(7)))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("Jackson 2 databind annotations");
    assertThatThrownBy(() -> codec.decode("{\"id\":\"7\"}".getBytes(), Jackson2Shaped.class))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("JacksonCodec");
    assertThatThrownBy(() -> codec.checkType(Jackson2Shaped.class))
        .isInstanceOf(CacheSerializationException.class);
  }

  @Test
  void mapperWithDefaultTyping_isRefused() {
    PolymorphicTypeValidator anything =
        BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build();
    assertThatThrownBy(
            () -> Jackson3Codec.of(JsonMapper.builder().activateDefaultTyping(anything).build()))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("default typing");
    assertThatThrownBy(
            () ->
                Jackson3Codec.of(
                    JsonMapper.builder()
                        .activateDefaultTyping(anything, DefaultTyping.NON_FINAL)
                        .build()))
        .isInstanceOf(CacheConfigurationException.class);
  }

  @Test
  void applicationMapper_withoutDefaultTyping_isAccepted() {
    Jackson3Codec own = Jackson3Codec.of(JsonMapper.builder().build());
    assertThat(own.decode(own.encode(new Point(1, 2)), Point.class)).isEqualTo(new Point(1, 2));
  }

  @Test
  void jackson3JavaTypes_areAcceptedAsTargetTypes() {
    Jackson3Codec jackson3 = (Jackson3Codec) codec;
    var type = jackson3.javaType(new TypeReference<List<Point>>() {}.getType());
    assertThat(jackson3.decode(jackson3.encode(List.of(new Point(1, 2))), type))
        .isEqualTo(List.of(new Point(1, 2)));
    assertThat(jackson3.javaType(type)).isSameAs(type);
  }

  @Test
  void id_isTwo_notTheJackson2CodecsId() {
    assertThat(codec.id()).isEqualTo(Jackson3Codec.ID).isEqualTo((byte) 2);
    assertThat(Jackson3Codec.ID).isNotEqualTo(JacksonCodec.ID);
  }

  @Test
  void creatorFailure_throughAMapperThatDoesNotWrapIt_isStillASerializationError() {
    var unwrapped =
        Jackson3Codec.of(
            JsonMapper.builder().disable(DeserializationFeature.WRAP_EXCEPTIONS).build());
    assertThatThrownBy(() -> unwrapped.decode(utf8("{\"value\": -1}"), Positive.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("negative")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theJacksonOnTheClassPath_isTheOneThisRunIsFor() {
    String expected = System.getProperty("layercache.expectedJackson3");
    assertThat(expected).as("the build names the Jackson 3 of this run").isNotBlank();
    assertThat(tools.jackson.databind.cfg.PackageVersion.VERSION.toString()).isEqualTo(expected);
    assertThat(tools.jackson.core.json.PackageVersion.VERSION.toString()).isEqualTo(expected);
  }
}
