package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.codec.JacksonCodec;
import dev.layercache.spi.CorruptEntryException;
import dev.layercache.spi.StoredEntry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Entries round-trip through their byte form; damaged bytes are refused as corrupt. */
class StoredEntryTest {
  record Point(int x, int y) {}

  private final JacksonCodec codec = JacksonCodec.create(1 << 20);

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
}
