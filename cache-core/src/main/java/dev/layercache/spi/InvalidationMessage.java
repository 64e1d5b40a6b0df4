package dev.layercache.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One invalidation on an {@link InvalidationBus}: tag-version keys that were bumped and entry keys
 * that were evicted, numbered by the sender.
 *
 * @param sender the sending process's random id
 * @param sequence 1 for the sender's first message, then one more for each
 * @param sentAtMillis the sender's wall-clock time, to measure delivery lag
 * @param tagKeys bumped tag-version keys (backend keys, namespace included)
 * @param entryKeys evicted entry keys
 */
public record InvalidationMessage(
    String sender, long sequence, long sentAtMillis, List<String> tagKeys, List<String> entryKeys) {
  private static final byte FORMAT = 1;

  /** Limits a decoded message, so a foreign publisher cannot make a subscriber allocate much. */
  private static final int MAX_KEYS = 100_000;

  /**
   * Checks and copies the fields.
   *
   * @param sender the sending process's random id
   * @param sequence at least 1
   * @param sentAtMillis the sender's wall-clock time
   * @param tagKeys bumped tag-version keys
   * @param entryKeys evicted entry keys
   */
  public InvalidationMessage {
    Objects.requireNonNull(sender, "sender");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be at least 1, was " + sequence);
    }
    tagKeys = List.copyOf(tagKeys);
    entryKeys = List.copyOf(entryKeys);
  }

  /**
   * The wire form.
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeUTF(sender);
      out.writeLong(sequence);
      out.writeLong(sentAtMillis);
      writeKeys(out, tagKeys);
      writeKeys(out, entryKeys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads the wire form.
   *
   * @param bytes what {@link #toBytes} wrote
   * @return the message
   * @throws IllegalArgumentException if the bytes are not a message of this format
   */
  public static InvalidationMessage fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown invalidation message format " + format);
      }
      String sender = in.readUTF();
      long sequence = in.readLong();
      long sentAt = in.readLong();
      List<String> tags = readKeys(in);
      List<String> entries = readKeys(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after an invalidation message");
      }
      return new InvalidationMessage(sender, sequence, sentAt, tags, entries);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated invalidation message", e);
    }
  }

  private static void writeKeys(DataOutputStream out, List<String> keys) throws IOException {
    out.writeInt(keys.size());
    for (String k : keys) {
      out.writeUTF(k);
    }
  }

  private static List<String> readKeys(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_KEYS) {
      throw new IllegalArgumentException("invalid key count " + n);
    }
    List<String> keys = new ArrayList<>(Math.min(n, 64));
    for (int i = 0; i < n; i++) {
      keys.add(in.readUTF());
    }
    return keys;
  }
}
