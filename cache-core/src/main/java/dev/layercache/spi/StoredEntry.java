package dev.layercache.spi;

import java.lang.reflect.Type;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One cached entry: a header (format version, codec, times, the key fingerprint, the tags with the
 * versions seen <em>before</em> the value was loaded) and the value.
 *
 * <p>An in-process backend keeps the object with its decoded {@link #value()}; a remote backend
 * stores {@link #toBytes()} and returns those bytes, which the core reads back with {@link
 * #fromBytes(byte[])}. The byte layout (big-endian):
 *
 * <pre>
 * magic 'L' 'C' | format 1 | codec id | flags | created-at:8 | soft-expire-at:8 | hard-expire-at:8
 * | fingerprint: varint length + bytes | tag count: varint | per tag: varint length + UTF-8 key,
 * version:8 | payload (the rest)
 * </pre>
 *
 * Instances are immutable once built; the cached value must be treated as immutable too.
 */
public final class StoredEntry {
  /** The current format version. Entries of another version are misses. */
  public static final byte FORMAT_VERSION = 1;

  private static final byte MAGIC_0 = 'L';
  private static final byte MAGIC_1 = 'C';
  private static final int FLAG_NULL = 1;
  private static final int MAX_TAGS = 4096;

  private final byte codecId;
  private final long createdAt;
  private final long softExpireAt;
  private final long hardExpireAt;
  private final byte[] fingerprint;
  private final String[] tagKeys;
  private final long[] tagVersions;
  private final boolean nullValue;
  private final @Nullable Object value;
  // Entries read from bytes keep the whole stored array and the payload's offset in it, so a hit
  // decodes in place instead of copying the payload first.
  private final byte @Nullable [] payload;
  private final int payloadOffset;
  private final int payloadSize;

  /**
   * The last value decoded from the payload, kept for entries a near cache shares between reads.
   */
  private volatile @Nullable Decoded decoded;

  /** A decoded value and the type it was decoded as. */
  private record Decoded(Type type, Object value) {}

  private StoredEntry(
      byte codecId,
      long createdAt,
      long softExpireAt,
      long hardExpireAt,
      byte[] fingerprint,
      String[] tagKeys,
      long[] tagVersions,
      boolean nullValue,
      @Nullable Object value,
      byte @Nullable [] payload,
      int payloadOffset,
      int payloadSize) {
    this.codecId = codecId;
    this.createdAt = createdAt;
    this.softExpireAt = softExpireAt;
    this.hardExpireAt = hardExpireAt;
    this.fingerprint = fingerprint;
    this.tagKeys = tagKeys;
    this.tagVersions = tagVersions;
    this.nullValue = nullValue;
    this.value = value;
    this.payload = payload;
    this.payloadOffset = payloadOffset;
    this.payloadSize = payloadSize;
  }

  /**
   * Creates an entry (used by the core).
   *
   * @param codecId the codec that encoded the payload
   * @param createdAt creation time, epoch milliseconds
   * @param softExpireAt soft expiry, epoch milliseconds, or 0 for none
   * @param hardExpireAt hard expiry, epoch milliseconds
   * @param fingerprint the key fingerprint
   * @param tagKeys the version keys the entry depends on; the first is the key's own tag
   * @param tagVersions the versions seen before the load, same order
   * @param value the decoded value, kept by in-process backends; null for a cached null
   * @param payload the encoded value for remote backends, or null for in-process ones
   * @param payloadSize the encoded size, for weighing and limits
   * @return the entry
   */
  public static StoredEntry create(
      byte codecId,
      long createdAt,
      long softExpireAt,
      long hardExpireAt,
      byte[] fingerprint,
      String[] tagKeys,
      long[] tagVersions,
      @Nullable Object value,
      byte @Nullable [] payload,
      int payloadSize) {
    if (tagKeys.length != tagVersions.length) {
      throw new IllegalArgumentException("tag keys and versions differ in length");
    }
    return new StoredEntry(
        codecId,
        createdAt,
        softExpireAt,
        hardExpireAt,
        fingerprint,
        tagKeys,
        tagVersions,
        value == null,
        value,
        payload,
        0,
        payloadSize);
  }

  /**
   * Encodes this entry for a remote backend.
   *
   * @return header and payload
   * @throws IllegalStateException if the entry was built without a payload (in-process only)
   */
  public byte[] toBytes() {
    byte[] p = payload();
    if (p == null && !nullValue) {
      throw new IllegalStateException("entry was built for an in-process backend");
    }
    byte[][] tags = new byte[tagKeys.length][];
    int size = 2 + 1 + 1 + 1 + 24 + varintSize(fingerprint.length) + fingerprint.length;
    size += varintSize(tagKeys.length);
    for (int i = 0; i < tagKeys.length; i++) {
      tags[i] = tagKeys[i].getBytes(StandardCharsets.UTF_8);
      size += varintSize(tags[i].length) + tags[i].length + 8;
    }
    size += p == null ? 0 : p.length;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(MAGIC_0).put(MAGIC_1).put(FORMAT_VERSION).put(codecId).put((byte) (nullValue ? 1 : 0));
    b.putLong(createdAt).putLong(softExpireAt).putLong(hardExpireAt);
    putVarint(b, fingerprint.length);
    b.put(fingerprint);
    putVarint(b, tags.length);
    for (int i = 0; i < tags.length; i++) {
      putVarint(b, tags[i].length);
      b.put(tags[i]).putLong(tagVersions[i]);
    }
    if (p != null) {
      b.put(p);
    }
    return b.array();
  }

  /**
   * The size {@link #toBytes()} produces, computed without encoding: what a byte-storing backend
   * will be asked to store.
   *
   * @return bytes, header included
   */
  public int encodedSize() {
    int size = 2 + 1 + 1 + 1 + 24 + varintSize(fingerprint.length) + fingerprint.length;
    size += varintSize(tagKeys.length);
    for (String k : tagKeys) {
      int n = utf8Length(k);
      size += varintSize(n) + n + 8;
    }
    return size + (nullValue ? 0 : payloadSize);
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Decodes an entry written by {@link #toBytes()}.
   *
   * @param bytes the stored bytes
   * @return the entry, with its payload still encoded
   * @throws CorruptEntryException if the bytes are not an entry of this format
   */
  public static StoredEntry fromBytes(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (bytes.length < 5 || b.get() != MAGIC_0 || b.get() != MAGIC_1) {
        throw new CorruptEntryException("not a LayerCache entry");
      }
      byte format = b.get();
      if (format != FORMAT_VERSION) {
        throw new CorruptEntryException("entry format " + format + ", expected " + FORMAT_VERSION);
      }
      byte codec = b.get();
      int flags = b.get();
      long created = b.getLong();
      long soft = b.getLong();
      long hard = b.getLong();
      byte[] fp = new byte[boundedLength(b, b.remaining())];
      b.get(fp);
      int tagCount = boundedLength(b, MAX_TAGS);
      String[] keys = new String[tagCount];
      long[] versions = new long[tagCount];
      for (int i = 0; i < tagCount; i++) {
        byte[] k = new byte[boundedLength(b, b.remaining())];
        b.get(k);
        keys[i] = new String(k, StandardCharsets.UTF_8);
        versions[i] = b.getLong();
      }
      boolean isNull = (flags & FLAG_NULL) != 0;
      int offset = b.position();
      return new StoredEntry(
          codec,
          created,
          soft,
          hard,
          fp,
          keys,
          versions,
          isNull,
          null,
          isNull ? null : bytes,
          offset,
          bytes.length - offset);
    } catch (BufferUnderflowException e) {
      throw new CorruptEntryException("entry truncated");
    }
  }

  private static int boundedLength(ByteBuffer b, int max) {
    int v = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      byte x = b.get();
      v |= (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        if (v < 0 || v > max) {
          throw new CorruptEntryException("length " + v + " out of range");
        }
        return v;
      }
    }
    throw new CorruptEntryException("malformed length");
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static void putVarint(ByteBuffer b, int v) {
    while ((v & ~0x7F) != 0) {
      b.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
  }

  /**
   * The codec that encoded the payload.
   *
   * @return the codec id
   */
  public byte codecId() {
    return codecId;
  }

  /**
   * When the entry was created.
   *
   * @return epoch milliseconds
   */
  public long createdAt() {
    return createdAt;
  }

  /**
   * When the entry becomes due for a background reload.
   *
   * @return epoch milliseconds, or 0 if it has no soft expiry
   */
  public long softExpireAt() {
    return softExpireAt;
  }

  /**
   * When the entry is gone.
   *
   * @return epoch milliseconds
   */
  public long hardExpireAt() {
    return hardExpireAt;
  }

  /**
   * The fingerprint of the key the entry was stored for.
   *
   * @return the fingerprint; do not modify
   */
  public byte[] fingerprint() {
    return fingerprint;
  }

  /**
   * How many tags the entry depends on, its own key tag included.
   *
   * @return the count
   */
  public int tagCount() {
    return tagKeys.length;
  }

  /**
   * A tag's version key; index 0 is the entry's own key tag.
   *
   * @param i the index
   * @return the version key
   */
  public String tagKey(int i) {
    return tagKeys[i];
  }

  /**
   * The version of a tag seen before the value was loaded.
   *
   * @param i the index
   * @return the snapshot version
   */
  public long tagVersion(int i) {
    return tagVersions[i];
  }

  /**
   * Whether the cached value is null (negative caching).
   *
   * @return true for a cached null
   */
  public boolean isNullValue() {
    return nullValue;
  }

  /**
   * The decoded value, for in-process backends.
   *
   * @return the value, or null for a cached null or an entry read from bytes
   */
  public @Nullable Object value() {
    return value;
  }

  /**
   * The encoded value.
   *
   * @return the payload, or null for in-process entries and cached nulls
   */
  public byte @Nullable [] payload() {
    byte[] p = payload;
    if (p == null || (payloadOffset == 0 && p.length == payloadSize)) {
      return p;
    }
    return Arrays.copyOfRange(p, payloadOffset, payloadOffset + payloadSize);
  }

  /**
   * The array holding the encoded value, which for an entry read from bytes is the whole stored
   * array; use with {@link #payloadOffset()} and {@link #payloadSize()} to decode without copying.
   *
   * @return the array, or null for in-process entries and cached nulls
   */
  public byte @Nullable [] payloadBuffer() {
    return payload;
  }

  /**
   * Where the encoded value starts in {@link #payloadBuffer()}.
   *
   * @return the offset
   */
  public int payloadOffset() {
    return payloadOffset;
  }

  /**
   * The size of the encoded value.
   *
   * @return bytes
   */
  public int payloadSize() {
    return payloadSize;
  }

  /**
   * The value remembered by {@link #rememberDecoded} for this type, so that an entry a near cache
   * keeps is decoded once, not at every hit.
   *
   * @param type the type asked for
   * @return the value, or null if none was remembered for that type
   */
  public @Nullable Object decodedValue(Type type) {
    Decoded d = decoded;
    return d != null && d.type().equals(type) ? d.value() : null;
  }

  /**
   * Remembers the value decoded from this entry's payload as a type. Callers share it afterwards,
   * so it must be treated as immutable.
   *
   * @param type the type it was decoded as
   * @param value the value
   */
  public void rememberDecoded(Type type, Object value) {
    decoded = new Decoded(type, value);
  }
}
