package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cached result is keyed by the exact value and Java type of every parameter, as the driver sends
 * it: PostgreSQL types {@code setObject(1, 7)} as {@code integer} and {@code setObject(1, 7L)} as
 * {@code bigint}, and a value changed by the application after binding is not what was sent.
 */
class ParameterIdentityIT {
  private HikariDataSource pool;
  private LayerCache cache;
  private CachingDataSource ds;

  @BeforeEach
  void setUp() {
    pool = Databases.POSTGRESQL.pool();
    cache = TestCaches.encoded();
    ds = CachingDataSource.wrap(pool, cache);
  }

  @AfterEach
  void tearDown() {
    pool.close();
    cache.close();
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private String query(Connection c, String sql, Binder binder) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private String typeOf(Connection c, Binder binder) throws SQLException {
    return query(c, "SELECT pg_typeof(?)::text", binder);
  }

  @Test
  void boxedNumbersOfDifferentTypes_areDifferentKeys() throws Exception {
    try (Connection c = ds.getConnection()) {
      assertThat(typeOf(c, ps -> ps.setObject(1, 7))).isEqualTo("integer");
      assertThat(typeOf(c, ps -> ps.setObject(1, 7L))).isEqualTo("bigint");
      assertThat(typeOf(c, ps -> ps.setObject(1, (short) 7))).isEqualTo("smallint");
      assertThat(typeOf(c, ps -> ps.setObject(1, 1.5f))).isEqualTo("real");
      assertThat(typeOf(c, ps -> ps.setObject(1, 1.5d))).isEqualTo("double precision");
      // The same value through the same setter is still one key.
      assertThat(typeOf(c, ps -> ps.setObject(1, 7))).isEqualTo("integer");
    }
  }

  @Test
  void negativeAndPositiveZero_areDifferentKeys() throws Exception {
    String sql = "SELECT (?::float8)::text";
    try (Connection c = ds.getConnection()) {
      assertThat(query(c, sql, ps -> ps.setDouble(1, -0.0))).isEqualTo("-0");
      assertThat(query(c, sql, ps -> ps.setDouble(1, 0.0))).isEqualTo("0");
    }
  }

  @Test
  void bytesChangedAfterBinding_doNotChangeTheKey() throws Exception {
    String sql = "SELECT encode(?::bytea, 'hex')";
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        byte[] value = {1};
        ps.setBytes(1, value);
        value[0] = 2; // the driver already holds the value it will send
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("01");
        }
      }
      assertThat(query(c, sql, ps -> ps.setBytes(1, new byte[] {2}))).isEqualTo("02");
    }
  }

  @Test
  void timestampChangedAfterBinding_doesNotChangeTheKey() throws Exception {
    String sql = "SELECT (?::timestamp)::text";
    try (Connection c = ds.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        Timestamp t = Timestamp.valueOf("2024-01-01 10:00:00");
        ps.setTimestamp(1, t);
        t.setTime(Timestamp.valueOf("2030-06-01 12:00:00").getTime());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("2024-01-01 10:00:00");
        }
      }
      assertThat(query(c, sql, ps -> ps.setTimestamp(1, Timestamp.valueOf("2030-06-01 12:00:00"))))
          .isEqualTo("2030-06-01 12:00:00");
    }
  }
}
