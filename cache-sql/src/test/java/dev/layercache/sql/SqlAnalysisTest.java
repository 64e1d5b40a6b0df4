package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL analysis seen from outside: which statements are cached, and which tables a write invalidates
 * (H2 folds unquoted names to upper case).
 */
class SqlAnalysisTest {
  private LayerCache cache;
  private CachingDataSource ds;
  private Connection c;

  @BeforeEach
  void setUp() throws Exception {
    cache = TestCaches.local();
    DataSource h2 = TestCaches.h2("analysis");
    ds = CachingDataSource.wrap(h2, cache);
    c = ds.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE a (id INT PRIMARY KEY, v INT)");
      s.execute("CREATE TABLE b (id INT PRIMARY KEY, v INT)");
      s.execute("CREATE TABLE \"lower\" (id INT PRIMARY KEY, v INT)");
      s.execute("CREATE SEQUENCE seq");
      s.execute("INSERT INTO a VALUES (1, 1)");
      s.execute("INSERT INTO b VALUES (1, 1)");
      s.execute("INSERT INTO \"lower\" VALUES (1, 1)");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    c.close();
    cache.close();
  }

  /** Runs the query twice around an out-of-band change; true if the second run was a hit. */
  private boolean cachedAcrossHiddenChange(String sql, String table) throws Exception {
    List<String> first = rows(sql);
    // Change the table behind the wrapper's back (unwrapped: no invalidation).
    try (Statement s = c.unwrap(Connection.class).createStatement()) {
      s.executeUpdate("UPDATE " + table + " SET v = v + 1");
    }
    return rows(sql).equals(first);
  }

  private List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(rs.getString(i)).append('|');
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  @Test
  void select_plain_isCached() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT v FROM a", "a")).isTrue();
  }

  @Test
  void select_withVolatileFunctions_isNotCached() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT v, RAND() > 2 FROM a", "a")).isFalse();
    assertThat(cachedAcrossHiddenChange("SELECT v, CURRENT_TIMESTAMP IS NULL FROM a", "a"))
        .isFalse();
    assertThat(cachedAcrossHiddenChange("SELECT v, NEXT VALUE FOR seq > 0 FROM a", "a")).isFalse();
  }

  @Test
  void select_forUpdate_isNotCached() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT v FROM a FOR UPDATE", "a")).isFalse();
  }

  @Test
  void select_withNoCacheHint_isNotCached() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT /* layercache:nocache */ v FROM a", "a")).isFalse();
  }

  @Test
  void update_invalidatesJoinSubqueryCteAndUnionReaders() throws Exception {
    String[] queries = {
      "SELECT a.v, b.v FROM a JOIN b ON a.id = b.id",
      "SELECT id FROM a WHERE id IN (SELECT id FROM b WHERE v > 5)",
      "WITH x AS (SELECT v FROM b) SELECT * FROM x",
      "SELECT v FROM a UNION ALL SELECT v FROM b",
      "SELECT v FROM PUBLIC.B",
      "SELECT v FROM \"B\""
    };
    List<List<String>> before = new ArrayList<>();
    for (String q : queries) {
      before.add(rows(q));
    }
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE b SET v = v + 10");
    }
    for (int i = 0; i < queries.length; i++) {
      assertThat(rows(queries[i])).as(queries[i]).isNotEqualTo(before.get(i));
    }
  }

  @Test
  void update_ofQuotedLowerCaseTable_doesNotInvalidateUpperCaseTable() throws Exception {
    List<String> a = rows("SELECT v FROM a");
    List<String> lower = rows("SELECT v FROM \"lower\"");
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE \"lower\" SET v = v + 1");
    }
    assertThat(rows("SELECT v FROM \"lower\"")).isNotEqualTo(lower);
    assertThat(rows("SELECT v FROM a")).isEqualTo(a);
  }

  @Test
  void insertSelect_invalidatesOnlyTheWrittenTable() throws Exception {
    List<String> b = rows("SELECT count(*) FROM b");
    assertThat(cachedAcrossHiddenChange("SELECT v FROM b", "b")).isTrue();
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO a SELECT id + 100, v FROM b");
    }
    assertThat(rows("SELECT count(*) FROM b")).isEqualTo(b);
    assertThat(rows("SELECT count(*) FROM a")).containsExactly("2|");
  }

  @Test
  void ddl_bumpsEpoch_invalidatingEverything() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT v FROM a", "a")).isTrue();
    List<String> stale = rows("SELECT v FROM a");
    try (Statement s = c.unwrap(Connection.class).createStatement()) {
      s.executeUpdate("UPDATE a SET v = 99");
    }
    assertThat(rows("SELECT v FROM a")).isEqualTo(stale);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE c (id INT)");
    }
    assertThat(rows("SELECT v FROM a")).containsExactly("99|");
  }

  @Test
  void invalidateTables_forOutOfBandWrites_usesIdentifierRules() throws Exception {
    assertThat(cachedAcrossHiddenChange("SELECT v FROM a", "a")).isTrue();
    ds.invalidateTables("public.a");
    assertThat(rows("SELECT v FROM a")).containsExactly("2|");
  }
}
