package dev.layercache.examples.jmh;

import dev.layercache.LayerCache;
import dev.layercache.local.LocalBackend;
import dev.layercache.sql.CachingDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
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
import org.openjdk.jmh.infra.Blackhole;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Query-result caching: a three-table join and a primary-key lookup, run directly against the
 * database and through {@link CachingDataSource}, and the cost of invalidation on a write
 * transaction. Sample mode reports p50 and p99. PostgreSQL is reached over loopback ({@code
 * LAYERCACHE_POSTGRES_URL} or {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}); H2 is
 * embedded, in memory.
 *
 * <p>Every query operation binds the next id of a cycle over {@value #IDS} ids, so the direct
 * query, the hit and the miss see the same parameters. The hit runs against a cache holding every
 * id; the miss against a cache of {@value #MISS_CACHE_SIZE} entries that cannot keep the cycle, so
 * each operation is a key never seen before (or long evicted): lookup, load, materialize and put,
 * with no tag bumped. Its SQL analysis is remembered, as it would be for any statement an
 * application runs more than once.
 *
 * <pre>
 * java -cp examples/target/layercache-examples.jar org.openjdk.jmh.Main SqlQueryBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SqlQueryBenchmark {
  private static final String JOIN =
      "SELECT a.id, a.title, u.name, count(c.id) AS comments FROM %s_articles a"
          + " JOIN %s_users u ON u.id = a.author_id LEFT JOIN %s_comments c ON c.article_id = a.id"
          + " WHERE a.author_id = ? GROUP BY a.id, a.title, u.name ORDER BY a.id";
  private static final String PK = "SELECT id, name, email FROM %s_users WHERE id = ?";
  private static final int IDS = 1000; // users, and authors of articles
  private static final int MISS_CACHE_SIZE = 16; // far below IDS: at most 1.6% of misses hit

  /** The database. */
  @Param({"postgresql", "h2"})
  public String database;

  /** The query: a three-table join or a primary-key lookup. */
  @Param({"join", "pk"})
  public String query;

  private final String prefix = "bench" + UUID.randomUUID().toString().substring(0, 6);
  private LayerCache cache;
  private LayerCache missCache;
  private Connection direct;
  private Connection cached;
  private Connection missing;
  private PreparedStatement directQuery;
  private PreparedStatement cachedQuery;
  private PreparedStatement missQuery;
  private PreparedStatement directWrite;
  private PreparedStatement cachedWrite;
  private int counter;
  private int id;

  /** Creates and fills the tables, and warms the cache. */
  @Setup
  public void setUp() throws SQLException {
    DataSource ds;
    if (database.equals("h2")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:" + prefix + ";DB_CLOSE_DELAY=-1");
      ds = h2;
    } else {
      PGSimpleDataSource pg = new PGSimpleDataSource();
      String url = System.getenv("LAYERCACHE_POSTGRES_URL");
      pg.setUrl(url == null ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url);
      ds = pg;
    }
    direct = ds.getConnection();
    try (Statement s = direct.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + prefix
              + "_users (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80))");
      s.execute(
          "CREATE TABLE "
              + prefix
              + "_articles (id INT PRIMARY KEY, author_id INT, title VARCHAR(100))");
      s.execute(
          "CREATE TABLE "
              + prefix
              + "_comments (id INT PRIMARY KEY, article_id INT, body VARCHAR(200))");
      s.execute("CREATE INDEX " + prefix + "_a_author ON " + prefix + "_articles (author_id)");
      s.execute("CREATE INDEX " + prefix + "_c_article ON " + prefix + "_comments (article_id)");
    }
    try (PreparedStatement u =
            direct.prepareStatement("INSERT INTO " + prefix + "_users VALUES (?, ?, ?)");
        PreparedStatement a =
            direct.prepareStatement("INSERT INTO " + prefix + "_articles VALUES (?, ?, ?)");
        PreparedStatement c =
            direct.prepareStatement("INSERT INTO " + prefix + "_comments VALUES (?, ?, ?)")) {
      for (int i = 1; i <= IDS; i++) {
        u.setInt(1, i);
        u.setString(2, "user " + i);
        u.setString(3, "user" + i + "@example.com");
        u.addBatch();
      }
      u.executeBatch();
      for (int i = 1; i <= 10_000; i++) {
        a.setInt(1, i);
        a.setInt(2, i % IDS + 1);
        a.setString(3, "article " + i);
        a.addBatch();
      }
      a.executeBatch();
      for (int i = 1; i <= 50_000; i++) {
        c.setInt(1, i);
        c.setInt(2, i % 10_000 + 1);
        c.setString(3, "comment " + i);
        c.addBatch();
      }
      c.executeBatch();
    }
    try (Statement s = direct.createStatement()) {
      // Fresh statistics, so the join gets the plan an application would.
      s.execute(
          database.equals("h2")
              ? "ANALYZE"
              : String.format(
                  "ANALYZE %s_users, %s_articles, %s_comments", prefix, prefix, prefix));
    }
    cache =
        LayerCache.builder()
            .namespace("sqlbench")
            .backend(LocalBackend.builder().maximumSize(100_000).build())
            .build();
    missCache =
        LayerCache.builder()
            .namespace("sqlbench-miss")
            .backend(LocalBackend.builder().maximumSize(MISS_CACHE_SIZE).build())
            .build();
    cached = CachingDataSource.wrap(ds, cache).getConnection();
    missing = CachingDataSource.wrap(ds, missCache).getConnection();
    String sql = String.format(query.equals("join") ? JOIN : PK, prefix, prefix, prefix);
    directQuery = direct.prepareStatement(sql);
    cachedQuery = cached.prepareStatement(sql);
    missQuery = missing.prepareStatement(sql);
    for (int i = 1; i <= IDS; i++) {
      // Every id cached before the hit is measured.
      cachedQuery.setInt(1, i);
      try (ResultSet rs = cachedQuery.executeQuery()) {
        while (rs.next()) {
          rs.getString(2);
        }
      }
    }
    String write = "UPDATE " + prefix + "_users SET email = ? WHERE id = 1000";
    directWrite = direct.prepareStatement(write);
    cachedWrite = cached.prepareStatement(write);
  }

  /** Drops the tables. */
  @TearDown
  public void tearDown() throws SQLException {
    cached.close();
    missing.close();
    try (Statement s = direct.createStatement()) {
      s.execute("DROP TABLE " + prefix + "_comments");
      s.execute("DROP TABLE " + prefix + "_articles");
      s.execute("DROP TABLE " + prefix + "_users");
    }
    direct.close();
    cache.close();
    missCache.close();
  }

  private void consume(PreparedStatement ps, Blackhole bh) throws SQLException {
    id = id % IDS + 1;
    ps.setInt(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        bh.consume(rs.getInt(1));
        bh.consume(rs.getString(2));
        bh.consume(rs.getString(3));
      }
    }
  }

  /** The query against the database. */
  @Benchmark
  public void direct(Blackhole bh) throws SQLException {
    consume(directQuery, bh);
  }

  /** The query served from the cache. */
  @Benchmark
  public void cachedHit(Blackhole bh) throws SQLException {
    consume(cachedQuery, bh);
  }

  /** The query through the wrapper, its key not in the cache: key, lookup, load and put. */
  @Benchmark
  public void cachedMiss(Blackhole bh) throws SQLException {
    consume(missQuery, bh);
  }

  private void writeTransaction(Connection c, PreparedStatement ps) throws SQLException {
    c.setAutoCommit(false);
    ps.setString(1, "u" + (counter++) + "@example.com");
    ps.executeUpdate();
    c.commit();
    c.setAutoCommit(true);
  }

  /** A one-row update transaction against the database. */
  @Benchmark
  public void writeDirect() throws SQLException {
    writeTransaction(direct, directWrite);
  }

  /**
   * The same transaction through the wrapper: its table's tag bumped at the first write and again
   * at commit.
   */
  @Benchmark
  public void writeCached() throws SQLException {
    writeTransaction(cached, cachedWrite);
  }
}
