package dev.layercache.internal;

import dev.layercache.CacheConfigurationException;
import dev.layercache.codec.Jackson3Codec;
import dev.layercache.codec.JacksonCodec;
import dev.layercache.codec.ValueCodec;

/**
 * The codec a cache uses when its builder was given none: {@link JacksonCodec} where Jackson 2 is
 * on the class path (a normal dependency of the core, so the usual case, and the one existing
 * caches were written with), {@link Jackson3Codec} where only Jackson 3 is. Chosen when the cache
 * is built, so a missing or unsupported Jackson fails there.
 */
final class DefaultCodec {
  private DefaultCodec() {}

  /**
   * Chooses and creates the default codec from what is on the class path.
   *
   * @param maxBytes the largest document the codec decodes
   * @return the codec
   * @throws CacheConfigurationException if neither Jackson is present, or the one chosen is of an
   *     unsupported version
   */
  static ValueCodec select(long maxBytes) {
    return select(maxBytes, JacksonLine.JACKSON_2.present(), JacksonLine.JACKSON_3.present());
  }

  /**
   * Chooses and creates the default codec.
   *
   * @param maxBytes the largest document the codec decodes
   * @param jackson2 whether Jackson 2 is present
   * @param jackson3 whether Jackson 3 is present
   * @return the codec
   */
  static ValueCodec select(long maxBytes, boolean jackson2, boolean jackson3) {
    // The version is checked before the codec class is touched: the JVM may fail to link a codec
    // against a Jackson too old for it, and that error would name neither version.
    if (jackson2) {
      JacksonLine.JACKSON_2.check();
      return JacksonCodec.create(maxBytes);
    }
    if (jackson3) {
      JacksonLine.JACKSON_3.check();
      return Jackson3Codec.create(maxBytes);
    }
    throw new CacheConfigurationException(
        "no codec was given and no Jackson is on the class path: add "
            + JacksonLine.JACKSON_2.artifact()
            + " (Jackson 2) or "
            + JacksonLine.JACKSON_3.artifact()
            + " (Jackson 3), or give LayerCache.builder().codec(...) a codec");
  }
}
