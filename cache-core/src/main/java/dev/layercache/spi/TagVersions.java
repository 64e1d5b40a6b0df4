package dev.layercache.spi;

import java.util.concurrent.ThreadLocalRandom;

/** Tag version values, for backend implementations. */
public final class TagVersions {
  private TagVersions() {}

  /**
   * A fresh version for a tag that has none: the current time in milliseconds shifted left by 20
   * bits plus 20 random bits. Later bumps add one. A version re-created after a loss starts above
   * every value the lost one could have reached unless it was bumped over a million times per
   * millisecond since its creation, so old snapshots never match again. Always positive, so never
   * {@link BackendRead#ABSENT}.
   *
   * @return a fresh version
   */
  public static long fresh() {
    return (System.currentTimeMillis() << 20) | ThreadLocalRandom.current().nextInt(1 << 20);
  }

  /**
   * Parses a version stored as decimal text (as Redis and Memcached counters are).
   *
   * @param text the stored text
   * @return the version, or {@link BackendRead#ABSENT}
   */
  public static long parse(byte[] text) {
    long v = 0;
    for (byte b : text) {
      if (b < '0' || b > '9') {
        return BackendRead.ABSENT;
      }
      v = v * 10 + (b - '0');
    }
    return v;
  }
}
