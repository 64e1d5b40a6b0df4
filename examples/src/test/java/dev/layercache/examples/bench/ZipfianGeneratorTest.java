package dev.layercache.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {
  private static final int SAMPLES = 400_000;

  @Test
  void ranked_topItemFrequency_matchesOneOverZeta() {
    ZipfianGenerator z = ZipfianGenerator.ranked(1_000, ZipfianGenerator.YCSB_THETA);
    long[] counts = sample(z, 1_000);
    double top = (double) counts[0] / SAMPLES;
    assertThat(top).isCloseTo(z.topProbability(), org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void ranked_popularityFallsWithRank() {
    ZipfianGenerator z = ZipfianGenerator.ranked(1_000, ZipfianGenerator.YCSB_THETA);
    long[] counts = sample(z, 1_000);
    assertThat(counts[0]).isGreaterThan(counts[1]);
    assertThat(counts[1]).isGreaterThan(counts[10]);
    assertThat(counts[10]).isGreaterThan(counts[500]);
    // Zipf: item 1 is chosen about 2^-theta as often as item 0.
    assertThat((double) counts[1] / counts[0]).isBetween(0.40, 0.60);
  }

  @Test
  void scrambled_staysInRange_andKeepsTheSkew() {
    ZipfianGenerator z = ZipfianGenerator.scrambled(5_000, ZipfianGenerator.YCSB_THETA);
    long[] counts = sample(z, 5_000);
    long max = 0;
    int distinct = 0;
    for (long c : counts) {
      max = Math.max(max, c);
      distinct += c > 0 ? 1 : 0;
    }
    assertThat((double) max / SAMPLES).isGreaterThanOrEqualTo(z.topProbability() * 0.9);
    assertThat(distinct).isGreaterThan(1_000);
    // The most popular item is not item 0: popularity is spread over the key space.
    assertThat(counts[0]).isLessThan(max);
  }

  @Test
  void sameSeed_sameSequence() {
    ZipfianGenerator z = ZipfianGenerator.scrambled(100, 0.99);
    SplittableRandom a = new SplittableRandom(7);
    SplittableRandom b = new SplittableRandom(7);
    for (int i = 0; i < 1_000; i++) {
      assertThat(z.next(a)).isEqualTo(z.next(b));
    }
  }

  @Test
  void badArguments_areRejected() {
    assertThatThrownBy(() -> ZipfianGenerator.ranked(0, 0.99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
    assertThatThrownBy(() -> ZipfianGenerator.ranked(10, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("theta");
  }

  private static long[] sample(ZipfianGenerator z, int items) {
    SplittableRandom random = new SplittableRandom(42);
    long[] counts = new long[items];
    for (int i = 0; i < SAMPLES; i++) {
      long v = z.next(random);
      assertThat(v).isBetween(0L, items - 1L);
      counts[(int) v]++;
    }
    return counts;
  }
}
