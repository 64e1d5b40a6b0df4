package dev.layercache.internal;

import dev.layercache.InvalidCacheKeyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The one typed, length-prefixed key encoding, and the names derived from it: namespaces, entry
 * keys, tag version keys. Everything that reaches a backend as a key is built here.
 */
public final class KeyEncoding {
  /** Fingerprints up to this size are the encoding itself; larger ones are its SHA-512. */
  public static final int MAX_INLINE_FINGERPRINT = 1024;

  /** Longest tag kept readable inside its version key; longer tags are hashed. */
  static final int MAX_READABLE_TAG = 150;

  private static final int MAX_NAME = 64;
  private static final HexFormat HEX = HexFormat.of();

  // MessageDigest.getInstance costs a provider lookup; one digest per thread is reused.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> digest("SHA-256"));

  // Part type markers: a different marker per type keeps 1 and "1" apart.
  private static final byte T_NULL = 0;
  private static final byte T_STRING = 1;
  private static final byte T_INTEGRAL = 2;
  private static final byte T_DOUBLE = 3;
  private static final byte T_BOOLEAN = 4;
  private static final byte T_CHAR = 5;
  private static final byte T_BIGINT = 6;
  private static final byte T_DECIMAL = 7;
  private static final byte T_UUID = 8;
  private static final byte T_ENUM = 9;
  private static final byte T_TIME = 10;
  private static final byte T_BYTES = 11;
  private static final byte T_COLLECTION = 12;
  private static final byte T_ENCODED = 13;

  private KeyEncoding() {}

  /**
   * Starts an encoding for a key with this name.
   *
   * @param name the logical cache name
   * @return a writer to append parts to
   */
  public static Writer start(String name) {
    validateName("cache key name", name);
    Writer w = new Writer(name);
    w.string(name);
    return w;
  }

  /**
   * Checks a namespace or key name: 1 to 64 characters from {@code [A-Za-z0-9_.-]}.
   *
   * @param what what the value is, for the message
   * @param value the value
   * @return the value
   */
  public static String validateName(String what, @Nullable String value) {
    if (value == null) {
      throw new InvalidCacheKeyException(what + " is null");
    }
    if (value.isEmpty() || value.length() > MAX_NAME) {
      throw new InvalidCacheKeyException(
          what + " '" + value + "' must have 1 to " + MAX_NAME + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        throw new InvalidCacheKeyException(
            what
                + " '"
                + value
                + "' has '"
                + c
                + "' at index "
                + i
                + "; allowed: A-Z a-z 0-9 _ . -");
      }
    }
    return value;
  }

  /**
   * Checks a tag and returns the key of its version in a cache with this namespace: the tag itself
   * when it is short printable ASCII, otherwise its hash, so no tag can produce an unsafe backend
   * key.
   *
   * @param namespace a validated namespace
   * @param tag the tag
   * @return the version key
   */
  public static String tagKey(String namespace, @Nullable String tag) {
    String t = validateTag(tag);
    boolean readable = t.length() <= MAX_READABLE_TAG;
    for (int i = 0; readable && i < t.length(); i++) {
      char c = t.charAt(i);
      readable = c > 0x20 && c < 0x7f;
    }
    return readable
        ? namespace + ":~t:" + t
        : namespace + ":~h:" + sha256Hex(t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Checks a tag: not null, not empty, not starting with the reserved {@code ~}.
   *
   * @param tag the tag
   * @return the tag
   */
  public static String validateTag(@Nullable String tag) {
    if (tag == null) {
      throw new InvalidCacheKeyException("tag is null");
    }
    if (tag.isEmpty()) {
      throw new InvalidCacheKeyException("tag is empty");
    }
    if (tag.charAt(0) == '~') {
      throw new InvalidCacheKeyException("tag '" + tag + "' starts with '~', which is reserved");
    }
    return tag;
  }

  /**
   * Hex SHA-256 of bytes.
   *
   * @param bytes input
   * @return 64 lowercase hex characters
   */
  public static String sha256Hex(byte[] bytes) {
    MessageDigest md = SHA256.get();
    md.reset();
    return HEX.formatHex(md.digest(bytes));
  }

  /**
   * The collision fingerprint of an encoding.
   *
   * @param encoding the typed encoding
   * @return the encoding itself if small, else its SHA-512
   */
  public static byte[] fingerprint(byte[] encoding) {
    if (encoding.length <= MAX_INLINE_FINGERPRINT) {
      return encoding;
    }
    return digest("SHA-512").digest(encoding);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required by the Java platform", e);
    }
  }

  /** Appends typed, length-prefixed parts. */
  public static final class Writer {
    private final String keyName;
    private byte[] buf = new byte[256];
    private int len;

    Writer(String keyName) {
      this.keyName = keyName;
    }

    /**
     * Appends one part.
     *
     * @param part the value
     * @param index its position, for error messages
     */
    public void part(@Nullable Object part, int index) {
      if (part == null) {
        throw new InvalidCacheKeyException(
            "part "
                + index
                + " of key '"
                + keyName
                + "' is null; use CacheKey.builder(..).addNull()"
                + " if null is a meaningful value");
      }
      if (part instanceof CharSequence) {
        type(T_STRING);
        string(part.toString());
      } else if (part instanceof Long
          || part instanceof Integer
          || part instanceof Short
          || part instanceof Byte) {
        type(T_INTEGRAL);
        fixed64(((Number) part).longValue());
      } else if (part instanceof Double || part instanceof Float) {
        double d = ((Number) part).doubleValue();
        type(T_DOUBLE);
        // Normalise -0.0 and NaN payloads so equal values give equal keys.
        fixed64(Double.doubleToLongBits(d == 0.0 ? 0.0 : d));
      } else if (part instanceof Boolean) {
        type(T_BOOLEAN);
        raw((byte) (((Boolean) part) ? 1 : 0));
      } else if (part instanceof Character) {
        type(T_CHAR);
        string(part.toString());
      } else if (part instanceof BigInteger) {
        type(T_BIGINT);
        bytes(((BigInteger) part).toByteArray());
      } else if (part instanceof BigDecimal) {
        type(T_DECIMAL);
        string(part.toString());
      } else if (part instanceof UUID) {
        type(T_UUID);
        fixed64(((UUID) part).getMostSignificantBits());
        fixed64(((UUID) part).getLeastSignificantBits());
      } else if (part instanceof Enum<?>) {
        type(T_ENUM);
        string(((Enum<?>) part).getDeclaringClass().getName());
        string(((Enum<?>) part).name());
      } else if (part instanceof TemporalAccessor
          && part.getClass().getName().startsWith("java.time.")) {
        type(T_TIME);
        string(part.getClass().getSimpleName());
        string(part.toString());
      } else if (part instanceof byte[]) {
        type(T_BYTES);
        bytes((byte[]) part);
      } else if (part instanceof Collection<?>) {
        Collection<?> c = (Collection<?>) part;
        type(T_COLLECTION);
        varint(c.size());
        int i = 0;
        for (Object element : c) {
          part(element, i++);
        }
      } else {
        throw new InvalidCacheKeyException(
            "part "
                + index
                + " of key '"
                + keyName
                + "' has unsupported type "
                + part.getClass().getName()
                + "; use strings, numbers, booleans, UUIDs, enums, java.time values, byte[] or"
                + " collections of these");
      }
    }

    /** Appends an explicit null. */
    public void nullPart() {
      type(T_NULL);
    }

    /**
     * Appends pre-encoded bytes under a label.
     *
     * @param label what the bytes encode
     * @param bytes the bytes
     */
    public void encodedPart(String label, byte[] bytes) {
      type(T_ENCODED);
      string(label);
      bytes(bytes);
    }

    /**
     * Returns the encoding.
     *
     * @return a new array with the encoded bytes
     */
    public byte[] finish() {
      return Arrays.copyOf(buf, len);
    }

    void string(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          bytes(s.getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      // ASCII, the common case: its UTF-8 bytes are its chars, written without a temporary array.
      varint(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    private void type(byte t) {
      raw(t);
    }

    private void bytes(byte[] b) {
      varint(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    }

    private void fixed64(long v) {
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[len++] = (byte) (v >>> (i * 8));
      }
    }

    private void varint(int v) {
      while ((v & ~0x7F) != 0) {
        raw((byte) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      raw((byte) v);
    }

    private void raw(byte b) {
      ensure(1);
      buf[len++] = b;
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }
  }
}
