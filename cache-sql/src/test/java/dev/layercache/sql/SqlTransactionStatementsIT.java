package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transactions begun, ended and shaped by SQL rather than by JDBC calls: the wrapper follows them
 * as it follows {@code setAutoCommit}, {@code commit} and {@code rollback}, so nothing uncommitted
 * reaches another connection and every commit invalidates what it wrote.
 */
class SqlTransactionStatementsIT {
  private final String table = "sqltx_" + UUID.randomUUID().toString().substring(0, 8);
  private HikariDataSource pool;
  private LayerCache cache;
  private CachingDataSource ds;

  private void setUp(Databases db) throws SQLException {
    pool = db.pool();
    cache = TestCaches.encoded();
    ds = CachingDataSource.wrap(pool, cache);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
      s.execute("INSERT INTO " + table + " VALUES (1, 'old')");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("DROP TABLE IF EXISTS " + table + "_ddl");
    }
    pool.close();
    cache.close();
  }

  private String v(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
      ps.setInt(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void sql(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void rollbackToSqlSavepoint_keepsTheTransactionsWritesPrivate(Databases db) throws Exception {
    setUp(db);
    try (Connection tx = ds.getConnection();
        Connection other = ds.getConnection()) {
      assertThat(v(other)).isEqualTo("old");
      tx.setAutoCommit(false);
      sql(tx, "UPDATE " + table + " SET v = 'uncommitted' WHERE id = 1");
      sql(tx, "SAVEPOINT s1");
      sql(tx, "ROLLBACK TO SAVEPOINT s1");
      // The transaction is still open and still holds its update; reading it must not put it
      // where the other connection would find it.
      assertThat(v(tx)).isEqualTo("uncommitted");
      assertThat(v(tx)).isEqualTo("uncommitted");
      assertThat(v(other)).isEqualTo("old");
      tx.rollback();
      tx.setAutoCommit(true);
      assertThat(v(other)).isEqualTo("old");
      assertThat(v(tx)).isEqualTo("old");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Databases.class,
      names = {"POSTGRESQL", "MARIADB"})
  void sqlBeginWithOptions_isATransaction_andItsCommitInvalidates(Databases db) throws Exception {
    setUp(db);
    String begin =
        db == Databases.POSTGRESQL
            ? "BEGIN ISOLATION LEVEL READ COMMITTED"
            : "START TRANSACTION READ WRITE";
    try (Connection tx = ds.getConnection();
        Connection other = ds.getConnection()) {
      sql(tx, begin);
      sql(tx, "UPDATE " + table + " SET v = 'new' WHERE id = 1");
      assertThat(v(other)).as("not committed yet").isEqualTo("old");
      assertThat(v(other)).isEqualTo("old");
      sql(tx, "COMMIT");
      assertThat(v(other)).as("read after the commit returned").isEqualTo("new");
    }
  }

  @Test
  void mariadbSetAutocommitByStatement_commitIsSeen() throws Exception {
    setUp(Databases.MARIADB);
    try (Connection tx = ds.getConnection();
        Connection other = ds.getConnection()) {
      sql(tx, "SET autocommit = 0");
      sql(tx, "UPDATE " + table + " SET v = 'new' WHERE id = 1");
      assertThat(v(tx)).isEqualTo("new");
      assertThat(v(other)).as("not committed yet").isEqualTo("old");
      assertThat(v(other)).isEqualTo("old");
      sql(tx, "SET autocommit = 1"); // commits the open transaction
      assertThat(v(other)).as("read after the implicit commit").isEqualTo("new");
    }
  }

  @Test
  void mariadbDdlInsideATransaction_commitsIt_andTheCommitIsSeen() throws Exception {
    setUp(Databases.MARIADB);
    try (Connection tx = ds.getConnection();
        Connection other = ds.getConnection()) {
      tx.setAutoCommit(false);
      sql(tx, "UPDATE " + table + " SET v = 'new' WHERE id = 1");
      assertThat(v(other)).as("not committed yet").isEqualTo("old");
      sql(tx, "CREATE TABLE " + table + "_ddl (id INT)"); // an implicit commit
      assertThat(v(other)).as("read after the implicit commit").isEqualTo("new");
      tx.rollback(); // nothing left to roll back
      tx.setAutoCommit(true);
      assertThat(v(other)).isEqualTo("new");
    }
  }
}
