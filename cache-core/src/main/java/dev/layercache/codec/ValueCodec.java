package dev.layercache.codec;

import java.lang.reflect.Type;

/**
 * Turns values into bytes and back, always with an explicit target type: the cache content is
 * untrusted input, so a codec never lets the stored bytes choose a class.
 *
 * <p>Implementations must be thread-safe. Throw {@link dev.layercache.CacheSerializationException}
 * for values that cannot be encoded or bytes that cannot be decoded.
 */
public interface ValueCodec {
  /**
   * The codec's id, stored in every entry header; an entry written by another codec is a miss.
   *
   * @return an id from 1 to 127; 1 is {@link JacksonCodec}, 2 is {@link Jackson3Codec}
   */
  byte id();

  /**
   * Encodes a value.
   *
   * @param value a non-null value
   * @return its bytes
   * @throws dev.layercache.CacheSerializationException if the value cannot be encoded
   */
  byte[] encode(Object value);

  /**
   * Decodes a value.
   *
   * @param bytes bytes from {@link #encode}
   * @param type the target type: a {@code Class}, a {@code ParameterizedType} or a Jackson {@code
   *     JavaType}
   * @return the value
   * @throws dev.layercache.CacheSerializationException if the bytes do not decode to the type
   */
  Object decode(byte[] bytes, Type type);

  /**
   * Decodes a value stored in part of an array. The default copies the part; codecs that can read
   * in place should override it.
   *
   * @param bytes an array holding the encoded value
   * @param offset where it starts
   * @param length how long it is
   * @param type the target type
   * @return the value
   */
  default Object decode(byte[] bytes, int offset, int length, Type type) {
    return decode(java.util.Arrays.copyOfRange(bytes, offset, offset + length), type);
  }

  /**
   * Checks, before any value exists, that values of this type can be encoded and rebuilt, so a
   * misconfigured type fails where it is declared rather than at its first miss. The default checks
   * nothing.
   *
   * @param type the declared type
   * @throws dev.layercache.CacheSerializationException naming what is missing
   */
  default void checkType(Type type) {}
}
