package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheConfigurationException;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wrapper's behaviour over H2 in memory. */
class CachingDataSourceTest {
  private LayerCache cache;
  private JdbcDataSource h2;
  private CachingDataSource ds;

  @BeforeEach
  void setUp() throws Exception {
    cache = TestCaches.encoded();
    h2 = TestCaches.h2("wrapper");
    ds = CachingDataSource.wrap(h2, cache, QueryCachePolicy.builder().maxRows(50).build());
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50), born DATE)");
      for (int i = 1; i <= 100; i++) {
        s.execute("INSERT INTO users (name, born) VALUES ('u" + i + "', DATE '2000-01-01')");
      }
    }
  }

  @AfterEach
  void tearDown() {
    cache.close();
  }

  private String name(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private void hiddenRename(int id, String name) throws SQLException {
    try (Connection c = h2.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE users SET name = ? WHERE id = ?")) {
      ps.setString(1, name);
      ps.setInt(2, id);
      ps.executeUpdate();
    }
  }

  @Test
  void select_secondRun_isServedFromCache() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThat(name(c, 1)).isEqualTo("u1");
      hiddenRename(1, "hidden");
      assertThat(name(c, 1)).isEqualTo("u1");
      assertThat(name(c, 2)).isEqualTo("u2"); // another parameter is another key
    }
  }

  @Test
  void select_afterUpdateThroughWrapper_seesNewRows() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThat(name(c, 1)).isEqualTo("u1");
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE users SET name = 'new' WHERE id = 1");
      }
      assertThat(name(c, 1)).isEqualTo("new");
    }
  }

  @Test
  void parameters_ofDifferentTypesAndNulls_areDifferentKeys() throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM users WHERE born = ? OR ? IS NULL")) {
      ps.setObject(1, LocalDate.of(2000, 1, 1));
      ps.setNull(2, Types.VARCHAR);
      assertThat(count(ps)).isEqualTo(100);
      ps.setObject(1, LocalDate.of(1999, 1, 1), Types.DATE);
      ps.setString(2, "x");
      assertThat(count(ps)).isZero();
      ps.setObject(1, java.sql.Date.valueOf("2000-01-01"));
      assertThat(count(ps)).isEqualTo(100);
    }
  }

  private static int count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void transaction_readsOwnWrites_andOthersSeeCommittedRowsOnly() throws Exception {
    try (Connection writer = ds.getConnection();
        Connection other = ds.getConnection()) {
      assertThat(name(other, 1)).isEqualTo("u1");
      writer.setAutoCommit(false);
      try (Statement s = writer.createStatement()) {
        s.executeUpdate("UPDATE users SET name = 'dirty' WHERE id = 1");
      }
      assertThat(name(writer, 1)).isEqualTo("dirty");
      assertThat(name(other, 1)).isEqualTo("u1");
      assertThat(name(other, 1)).isEqualTo("u1"); // cached, but from committed rows only
      writer.commit();
      assertThat(name(other, 1)).isEqualTo("dirty");
    }
  }

  @Test
  void rollback_leavesNoTrace() throws Exception {
    try (Connection writer = ds.getConnection()) {
      writer.setAutoCommit(false);
      try (Statement s = writer.createStatement()) {
        s.executeUpdate("UPDATE users SET name = 'gone' WHERE id = 3");
      }
      assertThat(name(writer, 3)).isEqualTo("gone");
      writer.rollback();
      assertThat(name(writer, 3)).isEqualTo("u3");
      writer.setAutoCommit(true);
    }
    try (Connection c = ds.getConnection()) {
      assertThat(name(c, 3)).isEqualTo("u3");
    }
  }

  @Test
  void result_overRowLimit_returnsEveryRowWithoutCaching() throws Exception {
    try (Connection c = ds.getConnection()) {
      for (int run = 0; run < 2; run++) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id, name FROM users ORDER BY id")) {
          int n = 0;
          while (rs.next()) {
            n++;
            assertThat(rs.getInt("id")).isEqualTo(n);
            assertThat(rs.getString(2)).isEqualTo(run == 0 || n != 100 ? "u" + n : "late");
          }
          assertThat(n).isEqualTo(100);
        }
        hiddenRename(100, "late");
      }
    }
  }

  @Test
  void execute_thenGetResultSet_isCachedToo() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      assertThat(s.execute("SELECT name FROM users WHERE id = 5")).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("u5");
      }
      hiddenRename(5, "hidden");
      assertThat(s.execute("SELECT name FROM users WHERE id = 5")).isTrue();
      ResultSet rs = s.getResultSet();
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("u5");
      assertThat(rs.getStatement()).isSameAs(s);
      assertThat(s.getUpdateCount()).isEqualTo(-1);
      assertThat(s.getMoreResults()).isFalse();
      assertThat(rs.isClosed()).isTrue();
      assertThat(s.execute("UPDATE users SET name = 'x' WHERE id = 6")).isFalse();
      assertThat(s.getUpdateCount()).isEqualTo(1);
    }
  }

  @Test
  void closing_statementAndConnection_closesCachedResultSets() throws Exception {
    ResultSet rs;
    Statement s;
    Connection c = ds.getConnection();
    s = c.createStatement();
    rs = s.executeQuery("SELECT name FROM users WHERE id = 7");
    assertThat(rs.getStatement()).isSameAs(s);
    assertThat(s.getConnection()).isSameAs(c);
    s.close();
    assertThat(rs.isClosed()).isTrue();
    assertThat(s.isClosed()).isTrue();
    Statement s2 = c.createStatement();
    ResultSet rs2 = s2.executeQuery("SELECT name FROM users WHERE id = 7");
    c.close();
    assertThat(rs2.isClosed()).isTrue();
    assertThat(c.isClosed()).isTrue();
    assertThatThrownBy(rs2::next).isInstanceOf(SQLException.class);
  }

  @Test
  void unwrap_reachesDriverObjects() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThat(c.isWrapperFor(JdbcConnection.class)).isTrue();
      assertThat(c.unwrap(JdbcConnection.class)).isInstanceOf(JdbcConnection.class);
      assertThat(ds.unwrap(JdbcDataSource.class)).isSameAs(h2);
      assertThat(ds.isWrapperFor(CachingDataSource.class)).isTrue();
      assertThat(c.getMetaData().getConnection()).isSameAs(c);
      try (Statement s = c.createStatement()) {
        assertThat(s.unwrap(org.h2.jdbc.JdbcStatement.class)).isNotNull();
      }
    }
  }

  @Test
  void generatedKeysAndBatches_passThroughAndInvalidate() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThat(name(c, 101)).isNull();
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO users (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "gk");
        assertThat(ps.executeUpdate()).isEqualTo(1);
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertThat(keys.next()).isTrue();
          assertThat(keys.getInt(1)).isEqualTo(101);
          assertThat(keys.getStatement()).isSameAs(ps);
        }
      }
      assertThat(name(c, 101)).isEqualTo("gk");
      try (PreparedStatement ps = c.prepareStatement("UPDATE users SET name = ? WHERE id = ?")) {
        for (int i = 1; i <= 3; i++) {
          ps.setString(1, "b" + i);
          ps.setInt(2, i);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
      }
      assertThat(name(c, 2)).isEqualTo("b2");
    }
  }

  @Test
  void policy_onlyListedTables_andPerTableTtl() throws Exception {
    CachingDataSource only =
        CachingDataSource.wrap(
            h2,
            cache,
            QueryCachePolicy.builder()
                .cacheOnlyTables("articles")
                .tableTtl("users", Duration.ofMinutes(1))
                .build());
    try (Connection c = only.getConnection()) {
      assertThat(name(c, 8)).isEqualTo("u8");
      hiddenRename(8, "seen");
      assertThat(name(c, 8)).isEqualTo("seen");
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT /* layercache:cache */ name FROM users WHERE id = 8")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("seen");
      }
      hiddenRename(8, "hidden");
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT /* layercache:cache */ name FROM users WHERE id = 8")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("seen");
      }
    }
  }

  @Test
  void policy_rejectsBadValues() {
    assertThatThrownBy(() -> QueryCachePolicy.builder().maxRows(-1))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> QueryCachePolicy.builder().defaultTtl(Duration.ZERO))
        .isInstanceOf(CacheConfigurationException.class);
    assertThatThrownBy(() -> QueryCachePolicy.builder().cacheOnlyTables())
        .isInstanceOf(CacheConfigurationException.class);
    assertThatThrownBy(() -> CachingDataSource.wrap(null, cache))
        .isInstanceOf(CacheConfigurationException.class);
  }
}
