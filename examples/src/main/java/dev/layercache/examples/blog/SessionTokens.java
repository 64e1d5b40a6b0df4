package dev.layercache.examples.blog;

/**
 * Derives each user's session token from the data seed, so the workload can present the token of
 * any user without asking the database.
 */
public final class SessionTokens {
  private SessionTokens() {}

  /**
   * The token of a user's session.
   *
   * @param seed the data seed
   * @param userId the user
   * @return 32 hex characters
   */
  public static String of(long seed, long userId) {
    return String.format(
        "%016x%016x", mix(seed ^ userId), mix(userId * 0x9E3779B97F4A7C15L + seed));
  }

  // SplitMix64 finalizer: spreads similar inputs over all 64 bits.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
