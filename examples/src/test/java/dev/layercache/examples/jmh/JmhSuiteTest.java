package dev.layercache.examples.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.examples.bench.BenchUsageException;
import dev.layercache.examples.jmh.JmhSuite.Measured;
import java.util.List;
import org.junit.jupiter.api.Test;

class JmhSuiteTest {
  private static Measured sample(String cls, String method, int threads, double p50, double bytes) {
    return new Measured(cls, method, "", threads, "us/op", true, p50, p50, 2 * p50, bytes);
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
    assertThat(JmhSuite.usage()).contains("--quick", "redis", "memcached", "sql", "local");
  }
}
