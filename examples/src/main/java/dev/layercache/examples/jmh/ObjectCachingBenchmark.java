package dev.layercache.examples.jmh;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.ObjectCaching;
import dev.layercache.annotation.Cached;
import dev.layercache.local.LocalBackend;
import dev.layercache.redis.RedisBackend;
import dev.layercache.spi.CacheBackend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Object caching: assembling a user profile from four queries on embedded H2, against a cached hit
 * through an annotated proxy and through a hand-written {@code cache.get}, same run.
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main ObjectCachingBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class ObjectCachingBenchmark {

  /** A friend in a profile. */
  public record Friend(long id, String name) {}

  /** An assembled profile. */
  public record Profile(
      long id, String name, String bio, List<Friend> friends, long articles, List<String> recent) {}

  /** The assembler, annotated for the proxy. */
  public interface ProfileAssembler {
    /**
     * Assembles a profile.
     *
     * @param id the user id
     * @return the profile
     * @throws SQLException if a query fails
     */
    @Cached(name = "profile", ttl = "PT10M", tags = "user:{0}")
    Profile profile(long id) throws SQLException;
  }

  /** Four queries per profile: user, friends, article count, recent titles. */
  static final class JdbcProfileAssembler implements ProfileAssembler {
    private final DataSource ds;

    JdbcProfileAssembler(DataSource ds) {
      this.ds = ds;
    }

    @Override
    public Profile profile(long id) throws SQLException {
      try (Connection c = ds.getConnection()) {
        String name;
        String bio;
        try (PreparedStatement ps =
            c.prepareStatement("SELECT name, bio FROM users WHERE id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            name = rs.getString(1);
            bio = rs.getString(2);
          }
        }
        List<Friend> friends = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT u.id, u.name FROM friends f JOIN users u ON u.id = f.friend_id"
                    + " WHERE f.user_id = ? ORDER BY u.id")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              friends.add(new Friend(rs.getLong(1), rs.getString(2)));
            }
          }
        }
        long articles;
        try (PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM articles WHERE author_id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            articles = rs.getLong(1);
          }
        }
        List<String> recent = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT title FROM articles WHERE author_id = ? ORDER BY id DESC LIMIT 5")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              recent.add(rs.getString(1));
            }
          }
        }
        return new Profile(id, name, bio, friends, articles, recent);
      }
    }
  }

  /** Where cached profiles live: in process, or on a Redis server over loopback. */
  @Param({"local", "redis"})
  public String backend;

  private @Nullable BenchRedisServer redis;
  private JdbcProfileAssembler direct;
  private ProfileAssembler proxied;
  private LayerCache cache;
  private CachePolicy policy;

  /**
   * Creates and fills the database, warms both cached paths.
   *
   * @throws SQLException if setting up H2 fails
   */
  @Setup
  public void setUp() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:profiles;DB_CLOSE_DELAY=-1");
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP ALL OBJECTS");
      s.execute("CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(64), bio VARCHAR(500))");
      s.execute(
          "CREATE TABLE friends (user_id BIGINT, friend_id BIGINT, PRIMARY KEY (user_id, friend_id))");
      s.execute(
          "CREATE TABLE articles (id BIGINT PRIMARY KEY, author_id BIGINT, title VARCHAR(200))");
      s.execute("CREATE INDEX articles_author ON articles (author_id)");
      s.execute(
          "INSERT INTO users SELECT x, 'user ' || x, REPEAT('bio ', 50) FROM SYSTEM_RANGE(1, 1000)");
      // Twenty distinct friends per user (MERGE skips the pairs that repeat).
      s.execute(
          "MERGE INTO friends KEY (user_id, friend_id) SELECT x / 20 + 1, MOD(x * 7, 1000) + 1"
              + " FROM SYSTEM_RANGE(0, 19999)");
      s.execute(
          "INSERT INTO articles SELECT x, MOD(x, 1000) + 1, 'article ' || x FROM SYSTEM_RANGE(1, 20000)");
    }
    direct = new JdbcProfileAssembler(ds);
    CacheBackend cacheBackend;
    if (backend.equals("redis")) {
      try {
        redis = BenchRedisServer.start();
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
      }
      cacheBackend = RedisBackend.builder().uri(redis.uri()).build();
    } else {
      cacheBackend = LocalBackend.builder().maximumSize(10_000).build();
    }
    cache = LayerCache.builder().namespace("bench").backend(cacheBackend).build();
    policy = CachePolicy.builder().ttl(Duration.ofMinutes(10)).tags("user:42").build();
    proxied = ObjectCaching.proxy(ProfileAssembler.class, direct, cache);
    proxied.profile(42);
    manualHit();
  }

  /** Closes the cache. */
  @TearDown
  public void tearDown() {
    cache.close();
    if (redis != null) {
      redis.close();
    }
  }

  /**
   * No cache: four queries.
   *
   * @return the profile
   * @throws SQLException if a query fails
   */
  @Benchmark
  public Profile assembleDirect() throws SQLException {
    return direct.profile(42);
  }

  /**
   * A cached hit through the annotated proxy.
   *
   * @return the profile
   * @throws SQLException never on a hit
   */
  @Benchmark
  public Profile proxyHit() throws SQLException {
    return proxied.profile(42);
  }

  /**
   * A cached hit through a hand-written call, the baseline for the proxy's overhead.
   *
   * @return the profile
   */
  @Benchmark
  public Profile manualHit() {
    try {
      return cache.get(
          CacheKey.of("profile-manual", 42L), Profile.class, policy, () -> direct.profile(42));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
