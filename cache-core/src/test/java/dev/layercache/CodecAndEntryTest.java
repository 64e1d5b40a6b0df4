package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import dev.layercache.codec.JacksonCodec;
import dev.layercache.spi.CorruptEntryException;
import dev.layercache.spi.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecAndEntryTest {
  record Point(int x, int y) {}

  record Holder(Object anything) {}

  private final JacksonCodec codec = JacksonCodec.create(1 << 20);

  @Test
  void decode_recordWithMissingComponents_isRefused() {
    byte[] planted = "{\"@class\": \"java.lang.Runtime\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(planted, Point.class))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("x");
    byte[] partial = "{\"x\": 1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(partial, Point.class))
        .isInstanceOf(CacheSerializationException.class);
    byte[] nullPrimitive = "{\"x\": 1, \"y\": null}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(nullPrimitive, Point.class))
        .isInstanceOf(CacheSerializationException.class);
    // A property added by a newer version of the application is still read past.
    byte[] newer = "{\"x\": 1, \"y\": 2, \"z\": 3}".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode(newer, Point.class)).isEqualTo(new Point(1, 2));
  }

  @Test
  void jsonNamingAClass_neverInstantiatesIt() {
    byte[] planted = "[\"java.net.URL\",\"http://example.com\"]".getBytes(StandardCharsets.UTF_8);
    // Decoding to Object yields plain JSON containers, never the named class.
    Object decoded = codec.decode(planted, Object.class);
    assertThat(decoded).isInstanceOf(List.class);
    byte[] typed =
        "{\"anything\":{\"@class\":\"java.lang.ProcessBuilder\"}}".getBytes(StandardCharsets.UTF_8);
    Holder h = (Holder) codec.decode(typed, Holder.class);
    assertThat(h.anything()).isInstanceOf(Map.class);
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
  void deepNesting_isRejected() {
    String deep = "[".repeat(500) + "]".repeat(500);
    assertThatThrownBy(() -> codec.decode(deep.getBytes(StandardCharsets.UTF_8), Object.class))
        .isInstanceOf(CacheSerializationException.class);
  }

  @Test
  void genericTypes_decodeToDeclaredElementType() {
    byte[] bytes = codec.encode(List.of(new Point(1, 2)));
    List<Point> back = cast(codec.decode(bytes, new TypeReference<List<Point>>() {}.getType()));
    assertThat(back).containsExactly(new Point(1, 2));
  }

  @Test
  void storedEntry_roundTripsThroughBytes() {
    byte[] payload = codec.encode(new Point(3, 4));
    StoredEntry e =
        StoredEntry.create(
            JacksonCodec.ID,
            1000,
            2000,
            3000,
            new byte[] {7, 7},
            new String[] {"ns:~k:p:ab", "ns:~t:points"},
            new long[] {11, 22},
            new Point(3, 4),
            payload,
            payload.length);
    assertThat(e.encodedSize()).isEqualTo(e.toBytes().length);
    StoredEntry back = StoredEntry.fromBytes(e.toBytes());
    assertThat(back.createdAt()).isEqualTo(1000);
    assertThat(back.softExpireAt()).isEqualTo(2000);
    assertThat(back.hardExpireAt()).isEqualTo(3000);
    assertThat(back.fingerprint()).containsExactly(7, 7);
    assertThat(back.tagCount()).isEqualTo(2);
    assertThat(back.tagKey(1)).isEqualTo("ns:~t:points");
    assertThat(back.tagVersion(1)).isEqualTo(22);
    assertThat(codec.decode(back.payload(), Point.class)).isEqualTo(new Point(3, 4));
  }

  @Test
  void corruptBytes_areRejectedAsCorrupt() {
    assertThatThrownBy(() -> StoredEntry.fromBytes("hello world".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptEntryException.class);
    byte[] good =
        StoredEntry.create(
                JacksonCodec.ID,
                1,
                0,
                2,
                new byte[] {1},
                new String[] {"a"},
                new long[] {1},
                "x",
                new byte[] {'"', 'x', '"'},
                3)
            .toBytes();
    byte[] truncated = java.util.Arrays.copyOf(good, 20);
    assertThatThrownBy(() -> StoredEntry.fromBytes(truncated))
        .isInstanceOf(CorruptEntryException.class);
    byte[] otherVersion = good.clone();
    otherVersion[2] = 9;
    assertThatThrownBy(() -> StoredEntry.fromBytes(otherVersion))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("format 9");
  }

  @Test
  void javaTimeValues_keepPrecision() {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456789Z");
    assertThat(codec.decode(codec.encode(t), Instant.class)).isEqualTo(t);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
