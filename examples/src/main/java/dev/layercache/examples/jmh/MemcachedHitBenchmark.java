package dev.layercache.examples.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.memcached.MemcachedBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.transcoders.Transcoder;
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
 * A Memcached hit through {@link LayerCache#get} against a raw spymemcached {@code get} of the same
 * bytes (the stored entry, header and payload), same server, same run. The cache's hit is one
 * multi-get of the entry and its key's tag version, then a decode; the raw get is one get of the
 * bytes. Both clients use the binary protocol, Ketama and the same timeout.
 *
 * <p>Starts its own {@code memcached} on a free loopback port, or uses {@code
 * -Dlayercache.memcached=host:port}.
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main MemcachedHitBenchmark \
 *     -f 3 -wi 3 -i 5 -bm sample -t 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class MemcachedHitBenchmark {

  /** A typical cached object. */
  public record Article(long id, String title, String body) {}

  private static final Transcoder<byte[]> RAW_BYTES =
      new Transcoder<>() {
        @Override
        public boolean asyncDecode(CachedData d) {
          return false;
        }

        @Override
        public CachedData encode(byte[] o) {
          return new CachedData(0, o, CachedData.MAX_SIZE);
        }

        @Override
        public byte[] decode(CachedData d) {
          return d.getData();
        }

        @Override
        public int getMaxSize() {
          return CachedData.MAX_SIZE;
        }
      };

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofHours(1)).jitter(0).build();

  private Process server;
  private MemcachedClient raw;
  private LayerCache cache;
  private CacheKey key;
  private String rawKey;
  private String jsonKey;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Starts or finds memcached, stores the value through the cache and copies its stored bytes under
   * a second key for the raw client.
   *
   * @throws Exception if memcached cannot be started or reached
   */
  @Setup
  public void setUp() throws Exception {
    String address = System.getProperty("layercache.memcached");
    if (address == null || address.isBlank()) {
      address = startMemcached();
    }
    cache =
        LayerCache.builder()
            .namespace("bench")
            .backend(MemcachedBackend.builder().servers(address).build())
            .build();
    key = CacheKey.of("article", 42L);
    Article article = new Article(42, "Title", "x".repeat(200));
    cache.put(key, article, POLICY);
    raw =
        new MemcachedClient(
            new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                .setFailureMode(FailureMode.Cancel)
                .setOpTimeout(MemcachedBackend.DEFAULT_OPERATION_TIMEOUT_MILLIS)
                .setUseNagleAlgorithm(false)
                .setDaemon(true)
                .build(),
            AddrUtil.getAddresses(address));
    // With FailureMode.Cancel an operation before the first connection fails: wait for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (raw.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    byte[] stored = raw.get(key.entryKey("bench"), RAW_BYTES);
    if (stored == null || cache.get(key, Article.class) == null) {
      throw new IllegalStateException("the cache did not store the benchmark value");
    }
    rawKey = "raw:" + key.entryKey("bench");
    raw.set(rawKey, 3600, stored, RAW_BYTES).get(5, TimeUnit.SECONDS);
    jsonKey = "raw-json:" + key.entryKey("bench");
    raw.set(jsonKey, 3600, json.writeValueAsBytes(article), RAW_BYTES).get(5, TimeUnit.SECONDS);
  }

  /** Closes the clients and stops the server started here. */
  @TearDown
  public void tearDown() {
    cache.close();
    raw.shutdown(1, TimeUnit.SECONDS);
    if (server != null) {
      server.destroyForcibly();
    }
  }

  /**
   * The baseline: one spymemcached get of the same bytes.
   *
   * @return the bytes
   */
  @Benchmark
  public byte[] rawSpymemcachedGet() {
    return raw.get(rawKey, RAW_BYTES);
  }

  /**
   * The raw client fetching plain JSON of the same value and decoding it with Jackson, as an
   * application caching objects by hand would.
   *
   * @return the decoded value
   * @throws IOException if decoding fails
   */
  @Benchmark
  public Article rawSpymemcachedGetAndDecode() throws IOException {
    return json.readValue(raw.get(jsonKey, RAW_BYTES), Article.class);
  }

  /**
   * A hit through the read-through call applications use (entry and key tag in one multi-get).
   *
   * @return the value
   */
  @Benchmark
  public Article layerCacheReadThroughHit() {
    return cache.get(key, Article.class, POLICY, () -> null);
  }

  /**
   * A hit through the plain lookup: entry and key tag in one multi-get, header check, decode.
   *
   * @return the value
   */
  @Benchmark
  public Article layerCacheGetHit() {
    return cache.get(key, Article.class);
  }

  private String startMemcached()
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("memcached", "-p", Integer.toString(port), "-l", "127.0.0.1", "-U", "0"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("-u", "root"));
    }
    server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    // Stopped with the fork even when the setup fails and no teardown runs.
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return "127.0.0.1:" + port;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new TimeoutException("memcached did not start on port " + port);
  }
}
