package dev.layercache.examples.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.examples.bench.BenchUsageException;
import dev.layercache.examples.jmh.JmhSuite.Measured;
import java.util.List;
import org.junit.jupiter.api.Test;

class JmhSuiteTest {
  private static Measured sample(String cls, String method, int threads, double p50, double bytes) {
    return sample(cls, method, threads, p50, bytes, 1);
  }

  private static Measured sample(
      String cls, String method, int threads, double p50, double bytes, int round) {
    return new Measured(cls, method, "", threads, "us/op", true, p50, p50, 2 * p50, bytes, round);
  }

  @Test
  void ratios_withRounds_areMediansOfPerRoundRatios_withTheirRange() {
    String c = "RedisHitBenchmark";
    List<Measured> all =
        List.of(
            // Round 2 is slow for both sides; round 3 only for the baseline.
            sample(c, "layerCacheGet", 1, 55, 3000, 1),
            sample(c, "rawJedisGet", 1, 50, 1000, 1),
            sample(c, "layerCacheGet", 1, 99, 3000, 2),
            sample(c, "rawJedisGet", 1, 90, 1000, 2),
            sample(c, "layerCacheGet", 1, 60, 3000, 3),
            sample(c, "rawJedisGet", 1, 80, 1000, 3));
    assertThat(JmhSuite.ratios(all))
        .contains("layerCacheGet vs rawJedisGet, 1 thread: p50 1.10x [0.75-1.10]")
        .contains("B/op 3.00x [3.00-3.00]");
    // The table shows each benchmark's median over its rounds.
    assertThat(JmhSuite.table(all)).containsPattern("layerCacheGet +1 +3 +us/op +60.00");
  }

  @Test
  void median_skipsMissingValues() {
    assertThat(JmhSuite.median(new double[] {3, Double.NaN, 1, 2})).isEqualTo(2);
    assertThat(JmhSuite.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
    assertThat(JmhSuite.median(new double[] {Double.NaN})).isNaN();
  }

  @Test
  void ratios_compareEachCachedOperationWithItsRawBaseline_sameThreads() {
    List<Measured> all =
        List.of(
            sample("RedisHitBenchmark", "rawJedisGet", 1, 50, 1000),
            sample("RedisHitBenchmark", "rawJedisGetAndDecode", 1, 80, 2000),
            sample("RedisHitBenchmark", "layerCacheGet", 1, 60, 3000),
            sample("RedisHitBenchmark", "rawJedisGet", 8, 100, 1000),
            sample("RedisHitBenchmark", "layerCacheGet", 8, 150, 3000));
    String text = JmhSuite.ratios(all);
    assertThat(text)
        .contains("layerCacheGet vs rawJedisGet, 1 thread: p50 1.20x  p99 1.20x  B/op 3.00x")
        .contains("layerCacheGet vs rawJedisGetAndDecode, 1 thread: p50 0.75x")
        .contains("layerCacheGet vs rawJedisGet, 8 threads: p50 1.50x")
        // No decode baseline ran with 8 threads: no ratio is invented for it.
        .doesNotContain("rawJedisGetAndDecode, 8 threads");
  }

  @Test
  void everyComparison_namesABenchmarkThatExists() throws Exception {
    for (JmhSuite.Comparison c : JmhSuite.COMPARISONS) {
      Class<?> cls = Class.forName("dev.layercache.examples.jmh." + c.benchmarkClass());
      assertThat(cls.getMethods()).extracting("name").contains(c.subject(), c.baseline());
    }
  }

  @Test
  void unknownGroupOrFlag_isAUsageError() {
    assertThatThrownBy(() -> JmhSuite.select(List.of("mongo")))
        .isInstanceOf(BenchUsageException.class)
        .hasMessageContaining("unknown jmh group 'mongo'");
    assertThatThrownBy(() -> JmhSuite.run(List.of("--fast"), System.out))
        .isInstanceOf(BenchUsageException.class)
        .hasMessageContaining("--fast");
    assertThatThrownBy(() -> JmhSuite.run(List.of("--rounds", "0"), System.out))
        .isInstanceOf(BenchUsageException.class)
        .hasMessageContaining("--rounds must be 1 to 50, was '0'");
    assertThat(JmhSuite.usage()).contains("--quick", "redis", "memcached", "sql", "local");
  }
}
