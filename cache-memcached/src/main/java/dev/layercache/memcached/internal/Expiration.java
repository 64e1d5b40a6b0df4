package dev.layercache.memcached.internal;

/** Memcached expiration times. */
public final class Expiration {
  /**
   * The largest relative expiration memcached accepts: 30 days. Larger values are read as an
   * absolute Unix time.
   */
  public static final long MAX_RELATIVE_SECONDS = 60L * 60 * 24 * 30;

  private Expiration() {}

  /**
   * The memcached expiration for a time to live, rounded up to whole seconds so an entry never
   * expires before the core's own hard expiry check would reject it.
   *
   * @param ttlMillis time to live, at least 1 ms
   * @param nowMillis the current time, epoch milliseconds
   * @return seconds from now, or an absolute Unix time in seconds when over 30 days
   */
  public static int of(long ttlMillis, long nowMillis) {
    long seconds = Math.max(1, (ttlMillis + 999) / 1000);
    if (seconds <= MAX_RELATIVE_SECONDS) {
      return (int) seconds;
    }
    long absolute = (nowMillis + 999) / 1000 + seconds;
    return (int) Math.min(Integer.MAX_VALUE, absolute);
  }
}
