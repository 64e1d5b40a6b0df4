package dev.layercache.examples.jmh;

import dev.layercache.CacheKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of deriving the backend key of a key whose typed encoding is about 200 bytes: encoding,
 * SHA-256 and hex, and the namespaced key string.
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main KeyDerivationBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class KeyDerivationBenchmark {
  // "article" + a 150-character slug + a long + a 36-character UUID string ≈ 200 encoded bytes.
  private final String slug = "s".repeat(150);
  private final String uuid = "123e4567-e89b-12d3-a456-426614174000";

  /**
   * Builds a key and derives its backend key.
   *
   * @return the backend key
   */
  @Benchmark
  public String derive200ByteKey() {
    return CacheKey.of("article", slug, 42L, uuid).entryKey("blog");
  }

  /**
   * Builds a small key and derives its backend key.
   *
   * @return the backend key
   */
  @Benchmark
  public String deriveSmallKey() {
    return CacheKey.of("article", 42L).entryKey("blog");
  }
}
