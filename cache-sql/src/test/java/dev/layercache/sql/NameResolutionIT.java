package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Names resolve the way the database resolves them: PostgreSQL folds only ASCII letters, a CTE's
 * name hides a table only inside its own WITH, and cache hints are read from comments only.
 */
class NameResolutionIT {
  private final String p = "nr" + UUID.randomUUID().toString().substring(0, 6);
  private final LayerCache cache = TestCaches.encoded();
  private HikariDataSource pool;

  @AfterEach
  void tearDown() {
    pool.close();
    cache.close();
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      StringBuilder b = new StringBuilder(rs.getString(1));
      for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
        b.append(',').append(rs.getString(i));
      }
      return b.toString();
    }
  }

  @Test
  void postgresFoldsOnlyAsciiLetters() throws Exception {
    pool = Databases.POSTGRESQL.pool();
    CachingDataSource ds = CachingDataSource.wrap(pool, cache);
    String unquoted = "ÉTÉ_" + p; // stored by PostgreSQL as "ÉtÉ_..."
    String stored = "\"ÉtÉ_" + p + "\"";
    try (Connection admin = pool.getConnection()) {
      exec(admin, "CREATE TABLE " + unquoted + " (v INT)", "INSERT INTO " + stored + " VALUES (1)");
    }
    try (Connection c = ds.getConnection()) {
      assertThat(one(c, "SELECT v FROM " + unquoted)).isEqualTo("1");
      exec(c, "UPDATE " + stored + " SET v = 2");
      assertThat(one(c, "SELECT v FROM " + unquoted)).isEqualTo("2");
    } finally {
      try (Connection admin = pool.getConnection()) {
        exec(admin, "DROP TABLE " + stored);
      }
    }
  }

  @Test
  void aCteNameOutsideItsWith_isTheTable() throws Exception {
    pool = Databases.POSTGRESQL.pool();
    CachingDataSource ds = CachingDataSource.wrap(pool, cache);
    String t = p + "_t";
    try (Connection admin = pool.getConnection()) {
      exec(admin, "CREATE TABLE " + t + " (v INT)", "INSERT INTO " + t + " VALUES (1)");
    }
    String q =
        "SELECT (WITH "
            + t
            + " AS (SELECT 1 AS v UNION ALL SELECT 2) SELECT count(*) FROM "
            + t
            + "), (SELECT count(*) FROM "
            + t
            + ")";
    try (Connection c = ds.getConnection()) {
      assertThat(one(c, q)).isEqualTo("2,1");
      exec(c, "INSERT INTO " + t + " VALUES (2)");
      assertThat(one(c, q)).as("the second count reads the table").isEqualTo("2,2");
    } finally {
      try (Connection admin = pool.getConnection()) {
        exec(admin, "DROP TABLE " + t);
      }
    }
  }

  @Test
  void aCacheHintInsideAStringLiteral_optsNothingIn() throws Exception {
    pool = Databases.H2.pool();
    String t = p + "_t";
    CachingDataSource ds =
        CachingDataSource.wrap(
            pool, cache, QueryCachePolicy.builder().cacheOnlyTables("some_other_table").build());
    try (Connection admin = pool.getConnection()) {
      exec(admin, "CREATE TABLE " + t + " (v VARCHAR(20))", "INSERT INTO " + t + " VALUES ('a')");
    }
    String hinted = "/* layercache:cache */ SELECT v FROM " + t;
    String literal = "SELECT v FROM " + t + " WHERE v <> '/* layercache:cache */'";
    try (Connection c = ds.getConnection()) {
      assertThat(one(c, hinted)).isEqualTo("a");
      assertThat(one(c, literal)).isEqualTo("a");
      try (Connection admin = pool.getConnection()) {
        exec(admin, "UPDATE " + t + " SET v = 'b'"); // behind the wrapper's back
      }
      assertThat(one(c, hinted)).as("opted in by the comment: cached").isEqualTo("a");
      assertThat(one(c, literal)).as("a literal is no hint: not cached").isEqualTo("b");
    }
  }
}
