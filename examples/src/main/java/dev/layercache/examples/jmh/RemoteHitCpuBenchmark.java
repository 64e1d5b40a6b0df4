package dev.layercache.examples.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.FetchedRead;
import dev.layercache.spi.StoredEntry;
import dev.layercache.spi.TagVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The processor time a remote hit costs in the client, without the network: {@link LayerCache#get}
 * over a backend that keeps the stored bytes in memory, as Redis or Memcached would return them,
 * against decoding the same value's JSON with Jackson alone. The difference is what the cache adds
 * to every remote hit on top of the round trip (key, entry header, version check, metrics).
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main RemoteHitCpuBenchmark \
 *     -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class RemoteHitCpuBenchmark {
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofHours(1)).jitter(0).build();

  private LayerCache cache;
  private CacheKey key;
  private byte[] json;
  private final ObjectMapper mapper = new ObjectMapper();

  /** Stores the benchmark's profile in the in-memory byte store. */
  @Setup
  public void setUp() throws IOException {
    cache = LayerCache.builder().namespace("bench").backend(new InMemoryBytes()).build();
    key = CacheKey.of("profile", 42L);
    RedisHitBenchmark.Profile p = RedisHitBenchmark.sampleProfile();
    cache.put(key, p, POLICY);
    json = mapper.writeValueAsBytes(p);
  }

  /** Closes the cache. */
  @TearDown
  public void tearDown() {
    cache.close();
  }

  /**
   * A read-through hit whose bytes come from memory.
   *
   * @return the value
   */
  @Benchmark
  public RedisHitBenchmark.Profile layerCacheHit() {
    return cache.get(key, RedisHitBenchmark.Profile.class, POLICY, () -> null);
  }

  /**
   * Jackson decoding the value's JSON: the part of a hit no cache of objects can avoid.
   *
   * @return the value
   * @throws IOException never
   */
  @Benchmark
  public RedisHitBenchmark.Profile jacksonDecode() throws IOException {
    return mapper.readValue(json, RedisHitBenchmark.Profile.class);
  }

  /** A byte-storing backend in memory, with the remote backends' encoding of versions. */
  static final class InMemoryBytes implements CacheBackend {
    private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return "memory-bytes";
    }

    @Override
    public long maxEntryBytes() {
      return 1 << 20;
    }

    @Override
    public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
      List<String> keys = new ArrayList<>(1 + tagKeys.size());
      keys.add(keyTagKey);
      keys.addAll(tagKeys);
      long[] v = new long[keys.size()];
      for (int i = 0; i < v.length; i++) {
        byte[] t = map.get(keys.get(i));
        v[i] = t == null ? BackendRead.ABSENT : TagVersions.parse(t);
      }
      return new FetchedRead(map.get(entryKey), keys, v);
    }

    @Override
    public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
      long[] v = new long[tagKeys.size()];
      for (int i = 0; i < v.length; i++) {
        byte[] t =
            createAbsent
                ? map.computeIfAbsent(tagKeys.get(i), k -> text(TagVersions.fresh()))
                : map.get(tagKeys.get(i));
        v[i] = t == null ? BackendRead.ABSENT : TagVersions.parse(t);
      }
      return v;
    }

    @Override
    public void write(String entryKey, StoredEntry entry, long ttlMillis) {
      map.put(entryKey, entry.toBytes());
    }

    @Override
    public void delete(String entryKey) {
      map.remove(entryKey);
    }

    @Override
    public void bumpTags(List<String> tagKeys) {
      for (String k : tagKeys) {
        map.compute(k, (x, old) -> text(old == null ? TagVersions.fresh() : parse(old) + 1));
      }
    }

    @Override
    public void close() {}

    private static long parse(byte @Nullable [] t) {
      return t == null ? 0 : TagVersions.parse(t);
    }

    private static byte[] text(long v) {
      return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
  }
}
