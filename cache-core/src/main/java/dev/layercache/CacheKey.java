package dev.layercache;

import dev.layercache.internal.KeyEncoding;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Identifies one cached value: a name (the logical cache, such as {@code article}) and the parts
 * that select an instance (such as {@code 42L}).
 *
 * <p>The parts are encoded with their types and lengths, so {@code of("k", 1, "a")} and {@code
 * of("k", "1a")} are different keys, while integral numbers of any width ({@code 42}, {@code 42L})
 * are the same key. What reaches a backend is {@code namespace:name:<hex SHA-256 of the encoding>}:
 * never raw user input, never longer than 250 bytes, never a space or control character. Entries
 * also store a fingerprint of the un-hashed encoding, so even a hash collision cannot serve another
 * key's value.
 *
 * <p>Supported parts: {@link CharSequence}, {@link Character}, {@link Boolean}, integral numbers,
 * {@link Float}, {@link Double}, {@link java.math.BigInteger}, {@link java.math.BigDecimal} (scale
 * matters: {@code 1.0} and {@code 1.00} differ), {@link java.util.UUID}, {@link Enum}, {@code
 * java.time} values, {@code byte[]}, and {@link java.util.Collection}s of these. Anything else, and
 * {@code null}, is rejected with an {@link InvalidCacheKeyException}; use {@link Builder#addNull()}
 * where an absent value is meaningful.
 *
 * <p>Instances are immutable and thread-safe. The hash is computed once, on first use.
 */
public final class CacheKey {
  private final String name;
  private final byte[] encoding;

  // Derived lazily and cached; benign races compute the same value (like String.hash).
  private @Nullable String hex;
  private int hashCode;
  private byte @Nullable [] fingerprint;
  private @Nullable NamespacedKeys namespaced;

  private CacheKey(String name, byte[] encoding) {
    this.name = name;
    this.encoding = encoding;
  }

  /**
   * Creates a key.
   *
   * @param name the logical cache name: 1 to 64 characters from {@code [A-Za-z0-9_.-]}
   * @param parts the values that select one instance, none of them {@code null}
   * @return the key
   * @throws InvalidCacheKeyException if the name is invalid or a part is null or unsupported
   */
  public static CacheKey of(String name, Object... parts) {
    KeyEncoding.Writer writer = KeyEncoding.start(name);
    if (parts == null) {
      throw new InvalidCacheKeyException("parts of key '" + name + "' is a null array");
    }
    for (int i = 0; i < parts.length; i++) {
      writer.part(parts[i], i);
    }
    return new CacheKey(name, writer.finish());
  }

  /**
   * Starts a key whose parts are added one by one, including explicit nulls.
   *
   * @param name the logical cache name: 1 to 64 characters from {@code [A-Za-z0-9_.-]}
   * @return a builder
   * @throws InvalidCacheKeyException if the name is invalid
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link CacheKey} part by part. Not thread-safe; use one per key. */
  public static final class Builder {
    private final String name;
    private final KeyEncoding.Writer writer;
    private int index;

    private Builder(String name) {
      this.name = name;
      this.writer = KeyEncoding.start(name);
    }

    /**
     * Appends a part.
     *
     * @param part a supported value, not null
     * @return this builder
     * @throws InvalidCacheKeyException if the part is null or of an unsupported type
     */
    public Builder add(Object part) {
      writer.part(part, index++);
      return this;
    }

    /**
     * Appends an explicit null part, distinct from every other value.
     *
     * @return this builder
     */
    public Builder addNull() {
      writer.nullPart();
      index++;
      return this;
    }

    /**
     * Appends raw bytes that already encode a value unambiguously (for integrations that own a
     * canonical encoding, such as bound SQL parameters).
     *
     * @param typeLabel a short label saying what the bytes encode
     * @param bytes the bytes
     * @return this builder
     */
    public Builder addEncoded(String typeLabel, byte[] bytes) {
      writer.encodedPart(typeLabel, bytes);
      index++;
      return this;
    }

    /**
     * Returns the key.
     *
     * @return the key
     */
    public CacheKey build() {
      return new CacheKey(name, writer.finish());
    }
  }

  /**
   * The logical cache name this key belongs to; used as the {@code cache} tag of metrics.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The lowercase hex SHA-256 of the key's typed encoding; safe to log.
   *
   * @return 64 hex characters
   */
  public String hash() {
    String h = hex;
    if (h == null) {
      h = KeyEncoding.sha256Hex(encoding);
      hex = h;
    }
    return h;
  }

  /**
   * The fingerprint stored in each entry to detect collisions: the encoding itself when it is at
   * most {@value KeyEncoding#MAX_INLINE_FINGERPRINT} bytes, otherwise its SHA-512.
   *
   * @return the fingerprint; callers must not modify it
   */
  public byte[] fingerprint() {
    byte[] f = fingerprint;
    if (f == null) {
      f = KeyEncoding.fingerprint(encoding);
      fingerprint = f;
    }
    return f;
  }

  /**
   * The key an entry is stored under by a cache with the given namespace: {@code
   * namespace:name:hash}. Cached for the last namespace asked, so a key reused across calls costs
   * nothing after the first.
   *
   * @param namespace a validated namespace
   * @return the backend key
   */
  public String entryKey(String namespace) {
    return namespaced(namespace).entryKey;
  }

  /**
   * The key of this entry's own version tag, bumped by an explicit eviction so that a load that
   * began before the eviction cannot store its older value afterwards.
   *
   * @param namespace a validated namespace
   * @return the version key of this key's implicit tag
   */
  public String keyTagKey(String namespace) {
    return namespaced(namespace).keyTagKey;
  }

  private NamespacedKeys namespaced(String namespace) {
    NamespacedKeys n = namespaced;
    if (n == null || !n.namespace.equals(namespace)) {
      String h = hash();
      n =
          new NamespacedKeys(
              namespace, namespace + ':' + name + ':' + h, namespace + ":~k:" + name + ':' + h);
      namespaced = n;
    }
    return n;
  }

  private static final class NamespacedKeys {
    final String namespace;
    final String entryKey;
    final String keyTagKey;

    NamespacedKeys(String namespace, String entryKey, String keyTagKey) {
      this.namespace = namespace;
      this.entryKey = entryKey;
      this.keyTagKey = keyTagKey;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CacheKey && Arrays.equals(encoding, ((CacheKey) o).encoding);
  }

  @Override
  public int hashCode() {
    int h = hashCode;
    if (h == 0) {
      h = Arrays.hashCode(encoding);
      hashCode = h;
    }
    return h;
  }

  /** Returns {@code name:hash-prefix}; never the parts, which may be user data. */
  @Override
  public String toString() {
    return name + ':' + hash().substring(0, 12);
  }
}
