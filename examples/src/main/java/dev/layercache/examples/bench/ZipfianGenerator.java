package dev.layercache.examples.bench;

import java.util.SplittableRandom;

/**
 * Picks item numbers with Zipfian popularity, as YCSB does (Gray et al., "Quickly Generating
 * Billion-Record Synthetic Databases", SIGMOD 1994). Item 0 is the most popular; with {@link
 * #scrambled} the popular items are spread over the key space by an FNV-1a hash, like YCSB's {@code
 * ScrambledZipfianGenerator}, so that they are not neighbours in the table.
 *
 * <p>Immutable and thread-safe: the caller passes its own source of randomness.
 */
public final class ZipfianGenerator {
  /** YCSB's default skew. */
  public static final double YCSB_THETA = 0.99;

  private static final long FNV_OFFSET_BASIS_64 = 0xCBF29CE484222325L;
  private static final long FNV_PRIME_64 = 1099511628211L;

  private final long items;
  private final double theta;
  private final double zetan;
  private final double alpha;
  private final double eta;
  private final double halfPowTheta;
  private final boolean scrambled;

  private ZipfianGenerator(long items, double theta, boolean scrambled) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be at least 1, was " + items);
    }
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
    }
    this.items = items;
    this.theta = theta;
    this.scrambled = scrambled;
    this.zetan = zeta(items, theta);
    this.alpha = 1.0 / (1.0 - theta);
    double zeta2 = zeta(2, theta);
    this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetan);
    this.halfPowTheta = 1 + Math.pow(0.5, theta);
  }

  /**
   * A generator whose item 0 is the most popular, item 1 the next, and so on.
   *
   * @param items how many items, at least 1
   * @param theta the skew, in (0, 1); YCSB uses 0.99
   * @return the generator
   */
  public static ZipfianGenerator ranked(long items, double theta) {
    return new ZipfianGenerator(items, theta, false);
  }

  /**
   * A generator whose popular items are scattered over the key space.
   *
   * @param items how many items, at least 1
   * @param theta the skew, in (0, 1); YCSB uses 0.99
   * @return the generator
   */
  public static ZipfianGenerator scrambled(long items, double theta) {
    return new ZipfianGenerator(items, theta, true);
  }

  /**
   * The number of items.
   *
   * @return the item count
   */
  public long items() {
    return items;
  }

  /**
   * The skew.
   *
   * @return theta
   */
  public double theta() {
    return theta;
  }

  /**
   * The probability of the most popular item: {@code 1 / zeta(items, theta)}.
   *
   * @return a probability
   */
  public double topProbability() {
    return 1 / zetan;
  }

  /**
   * Picks an item.
   *
   * @param random the caller's source of randomness
   * @return an item number from 0 to {@code items - 1}
   */
  public long next(SplittableRandom random) {
    long rank = nextRank(random.nextDouble());
    return scrambled ? Math.floorMod(fnv1a(rank), items) : rank;
  }

  private long nextRank(double u) {
    double uz = u * zetan;
    if (uz < 1.0) {
      return 0;
    }
    if (uz < halfPowTheta) {
      return Math.min(1, items - 1);
    }
    long rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
    return Math.min(rank, items - 1);
  }

  private static double zeta(long n, double theta) {
    double sum = 0;
    for (long i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, theta);
    }
    return sum;
  }

  /** FNV-1a over the eight bytes of a value, as YCSB's {@code Utils.fnvhash64}. */
  static long fnv1a(long value) {
    long hash = FNV_OFFSET_BASIS_64;
    for (int i = 0; i < 8; i++) {
      hash ^= value & 0xFF;
      hash *= FNV_PRIME_64;
      value >>>= 8;
    }
    return hash;
  }
}
