package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Transactions and pass-through behaviour on real databases behind HikariCP. */
class TransactionIT {
  private final String table = "tx_" + UUID.randomUUID().toString().substring(0, 8);
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
      s.execute("INSERT INTO " + table + " VALUES (1, 'old'), (2, 'two')");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + table);
    }
    pool.close();
    cache.close();
  }

  private String v(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void dirtyTransaction_readsItsWrites_othersDoNot(Databases db) throws Exception {
    setUp(db);
    try (Connection tx = ds.getConnection();
        Connection other = ds.getConnection()) {
      assertThat(v(other, 1)).isEqualTo("old");
      tx.setAutoCommit(false);
      tx.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try (Statement s = tx.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET v = 'new' WHERE id = 1");
      }
      assertThat(v(tx, 1)).isEqualTo("new");
      assertThat(v(tx, 2)).isEqualTo("two");
      assertThat(v(other, 1)).isEqualTo("old");
      tx.rollback();
      assertThat(v(tx, 1)).isEqualTo("old");
      assertThat(v(other, 1)).isEqualTo("old");
      try (Statement s = tx.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET v = 'committed' WHERE id = 1");
      }
      tx.commit();
      tx.setAutoCommit(true);
      assertThat(v(other, 1)).isEqualTo("committed");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Databases.class,
      names = {"POSTGRESQL", "MARIADB"})
  void repeatableReadReader_thatBeganBeforeCommit_doesNotFillCache(Databases db) throws Exception {
    setUp(db);
    try (Connection reader = ds.getConnection();
        Connection writer = ds.getConnection()) {
      reader.setAutoCommit(false);
      reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      assertThat(v(reader, 1)).isEqualTo("old"); // the snapshot starts here
      try (Statement s = writer.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET v = 'new' WHERE id = 1");
      }
      assertThat(v(reader, 1)).isEqualTo("old"); // its snapshot, read from the database
      assertThat(v(writer, 1)).isEqualTo("new");
      assertThat(v(writer, 1)).isEqualTo("new");
      reader.commit();
      reader.setAutoCommit(true);
      reader.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertThat(v(reader, 1)).isEqualTo("new");
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void hikari_generatedKeysBatchesMetadataAndClosing_passThrough(Databases db) throws Exception {
    setUp(db);
    try (Connection c = ds.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(md.getConnection()).isSameAs(c);
      assertThat(md.getDatabaseProductName()).isNotBlank();
      try (Statement s = c.createStatement()) {
        s.addBatch("INSERT INTO " + table + " VALUES (3, 'three')");
        s.addBatch("UPDATE " + table + " SET v = 'TWO' WHERE id = 2");
        assertThat(s.executeBatch()).containsExactly(1, 1);
      }
      assertThat(v(c, 2)).isEqualTo("TWO");
      assertThat(v(c, 3)).isEqualTo("three");
      assertThat(c.isWrapperFor(com.zaxxer.hikari.pool.HikariProxyConnection.class)).isTrue();
      ResultSet rs;
      try (Statement s = c.createStatement()) {
        rs = s.executeQuery("SELECT v FROM " + table + " ORDER BY id");
        assertThat(rs.getStatement()).isSameAs(s);
      }
      assertThat(rs.isClosed()).isTrue();
    }
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
  }
}
