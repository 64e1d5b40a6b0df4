package dev.layercache.examples.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.Loader;
import dev.layercache.redis.RedisBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A {@code LayerCache.get} hit on Redis against a raw Jedis {@code GET} of the same stored bytes,
 * on the same connection pool. The cache hit pays for one {@code MGET} of the entry and its key
 * tag's version (a version the backend has read before), decoding the entry header, checking
 * versions and decoding the value with Jackson; the raw call only fetches bytes. {@link
 * #layerCacheGetScripted} reads the same entry through the backend's Lua script instead, as it does
 * on servers before Redis 7.0.
 *
 * <p>Starts its own {@code redis-server} on a free loopback port, or uses {@code
 * -Dlayercache.redis=redis://host:port}. Run:
 *
 * <pre>
 * java -jar examples/target/layercache-examples.jar jmh --groups redis
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisHitBenchmark {

  /** The cached value: a typical assembled object of about 600 bytes as JSON. */
  public record Profile(long id, String name, String email, String bio, long[] friendIds) {}

  /**
   * The benchmarks' sample value.
   *
   * @return a profile of about 600 bytes as JSON
   */
  static Profile sampleProfile() {
    long[] friends = new long[20];
    for (int i = 0; i < friends.length; i++) {
      friends[i] = 1000 + i;
    }
    return new Profile(42, "Ada Lovelace", "ada@example.org", "x".repeat(300), friends);
  }

  private static final String NAMESPACE = "bench";
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofHours(1)).jitter(0).build();

  private BenchRedisServer server;
  private RedisClient pool;
  private LayerCache cache;
  private LayerCache scripted;
  private CacheKey key;
  private byte[] rawKey;
  private byte[] jsonKey;
  private byte[] keyTagKey;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong loads = new AtomicLong();
  // Counts the calls that were not hits; the teardown fails the run if there were any.
  private final Loader<Profile, RuntimeException> missLoader =
      () -> {
        loads.incrementAndGet();
        return null;
      };

  /** Starts the server if needed, stores one entry, and checks both paths return it. */
  @Setup
  public void setUp() throws Exception {
    server = BenchRedisServer.start();
    URI u = URI.create(server.uri());
    ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
    poolConfig.setMaxTotal(RedisBackend.DEFAULT_POOL_MAX_TOTAL);
    poolConfig.setMaxIdle(RedisBackend.DEFAULT_POOL_MAX_TOTAL);
    pool =
        RedisClient.builder()
            .hostAndPort(new HostAndPort(u.getHost(), u.getPort()))
            .clientConfig(
                DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis((int) RedisBackend.DEFAULT_CONNECT_TIMEOUT_MILLIS)
                    .socketTimeoutMillis((int) RedisBackend.DEFAULT_READ_TIMEOUT_MILLIS)
                    .build())
            .poolConfig(poolConfig)
            .build();
    cache =
        LayerCache.builder()
            .namespace(NAMESPACE)
            .backend(RedisBackend.builder().client(pool).build())
            .build();
    scripted =
        LayerCache.builder()
            .namespace(NAMESPACE)
            .backend(RedisBackend.builder().client(pool).scriptedReads(true).build())
            .build();
    key = CacheKey.of("profile", 42L);
    cache.put(key, sampleProfile(), POLICY);
    rawKey = key.entryKey(NAMESPACE).getBytes(StandardCharsets.UTF_8);
    jsonKey = "bench:raw-json:42".getBytes(StandardCharsets.UTF_8);
    keyTagKey = key.keyTagKey(NAMESPACE).getBytes(StandardCharsets.UTF_8);
    pool.set(jsonKey, json.writeValueAsBytes(sampleProfile()));
    if (pool.get(rawKey) == null || layerCacheGet() == null || layerCacheGetScripted() == null) {
      throw new IllegalStateException("the entry was not stored");
    }
    loads.set(0);
  }

  /** Fails the run if any measured cache call was not a hit. */
  @TearDown
  public void tearDown() {
    long misses = loads.get();
    cache.close();
    scripted.close();
    pool.close();
    server.close();
    if (misses != 0) {
      throw new IllegalStateException(misses + " cache calls were misses, not hits");
    }
  }

  /**
   * A read-through hit: entry and tag versions in one round trip, then header and value decoded.
   *
   * @return the cached value
   */
  @Benchmark
  public Profile layerCacheGet() {
    return cache.get(key, Profile.class, POLICY, missLoader);
  }

  /**
   * The same hit read through one {@code EVALSHA} of the backend's read script.
   *
   * @return the cached value
   */
  @Benchmark
  public Profile layerCacheGetScripted() {
    return scripted.get(key, Profile.class, POLICY, missLoader);
  }

  /**
   * The raw client fetching the same stored bytes from the same pool.
   *
   * @return the bytes
   */
  @Benchmark
  public byte[] rawJedisGet() {
    return pool.get(rawKey);
  }

  /**
   * The raw client fetching what the hit's one command fetches, the entry and its key tag's
   * version, without decoding anything: the cost of the protocol alone.
   *
   * @return the two values
   */
  @Benchmark
  public List<byte[]> rawJedisMgetOfEntryAndVersion() {
    return pool.mget(rawKey, keyTagKey);
  }

  /**
   * The raw client fetching plain JSON of the same value and decoding it with Jackson: what an
   * application caching by hand would pay, the fairest baseline for a cache that returns objects.
   *
   * @return the decoded value
   * @throws IOException if decoding fails
   */
  @Benchmark
  public Profile rawJedisGetAndDecode() throws IOException {
    return json.readValue(pool.get(jsonKey), Profile.class);
  }
}
