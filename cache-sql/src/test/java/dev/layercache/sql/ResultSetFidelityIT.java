package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cached result set side by side with the driver's, column type by column type: every getter
 * the driver answers must give the same answer from the cache (after a JSON round trip).
 */
class ResultSetFidelityIT {
  private interface Getter {
    Object get(ResultSet rs, int i) throws SQLException;
  }

  private static final String[] GETTER_NAMES = {
    "getString",
    "getObject",
    "getInt",
    "getLong",
    "getShort",
    "getDouble",
    "getFloat",
    "getBigDecimal",
    "getBoolean",
    "getBytes",
    "getDate",
    "getTime",
    "getTimestamp",
    "getObject(LocalDate)",
    "getObject(LocalTime)",
    "getObject(LocalDateTime)",
    "getObject(OffsetDateTime)",
    "getObject(String)",
    "getObject(Integer)",
    "getObject(Long)",
    "getObject(BigDecimal)",
    "getObject(UUID)",
    "getArray",
    "getClob",
    "getBlob"
  };

  private static final Getter[] GETTERS = {
    ResultSet::getString,
    ResultSet::getObject,
    ResultSet::getInt,
    ResultSet::getLong,
    ResultSet::getShort,
    ResultSet::getDouble,
    ResultSet::getFloat,
    ResultSet::getBigDecimal,
    ResultSet::getBoolean,
    ResultSet::getBytes,
    ResultSet::getDate,
    ResultSet::getTime,
    ResultSet::getTimestamp,
    (rs, i) -> rs.getObject(i, LocalDate.class),
    (rs, i) -> rs.getObject(i, LocalTime.class),
    (rs, i) -> rs.getObject(i, LocalDateTime.class),
    (rs, i) -> rs.getObject(i, OffsetDateTime.class),
    (rs, i) -> rs.getObject(i, String.class),
    (rs, i) -> rs.getObject(i, Integer.class),
    (rs, i) -> rs.getObject(i, Long.class),
    (rs, i) -> rs.getObject(i, BigDecimal.class),
    (rs, i) -> rs.getObject(i, UUID.class),
    ResultSet::getArray,
    ResultSet::getClob,
    ResultSet::getBlob
  };

  private static String[] schema(Databases db) {
    switch (db) {
      case H2:
        return new String[] {
          "c_int INT",
          "c_big BIGINT",
          "c_small SMALLINT",
          "c_dec DECIMAL(10,2)",
          "c_dbl DOUBLE PRECISION",
          "c_real REAL",
          "c_bool BOOLEAN",
          "c_str VARCHAR(20)",
          "c_clob CLOB",
          "c_bin VARBINARY(10)",
          "c_blob BLOB",
          "c_date DATE",
          "c_time TIME",
          "c_ts TIMESTAMP",
          "c_tstz TIMESTAMP WITH TIME ZONE",
          "c_uuid UUID",
          "c_arr INTEGER ARRAY"
        };
      case POSTGRESQL:
        return new String[] {
          "c_int INT",
          "c_big BIGINT",
          "c_small SMALLINT",
          "c_dec NUMERIC(10,2)",
          "c_dbl DOUBLE PRECISION",
          "c_real REAL",
          "c_bool BOOLEAN",
          "c_str VARCHAR(20)",
          "c_text TEXT",
          "c_bin BYTEA",
          "c_date DATE",
          "c_time TIME",
          "c_ts TIMESTAMP",
          "c_tstz TIMESTAMPTZ",
          "c_uuid UUID",
          "c_json JSONB",
          "c_arr INT[]"
        };
      default:
        return new String[] {
          "c_int INT",
          "c_big BIGINT",
          "c_small SMALLINT",
          "c_dec DECIMAL(10,2)",
          "c_dbl DOUBLE",
          "c_real FLOAT",
          "c_bool BOOLEAN",
          "c_str VARCHAR(20)",
          "c_text TEXT",
          "c_bin VARBINARY(10)",
          "c_blob BLOB",
          "c_date DATE",
          "c_time TIME(3)",
          "c_ts DATETIME(3)",
          "c_tstamp TIMESTAMP(3) NULL"
        };
    }
  }

  private static String values(Databases db) {
    switch (db) {
      case H2:
        return "42, 9000000000, 7, 12.50, 1.5, 2.25, TRUE, 'hello', 'long text', X'0102',"
            + " X'0304', DATE '2024-02-29', TIME '13:14:15', TIMESTAMP '2024-02-29 13:14:15.123',"
            + " TIMESTAMP WITH TIME ZONE '2024-02-29 13:14:15.123+02:00',"
            + " '123e4567-e89b-12d3-a456-426614174000', ARRAY[1, 2, 3]";
      case POSTGRESQL:
        return "42, 9000000000, 7, 12.50, 1.5, 2.25, TRUE, 'hello', 'long text', '\\x0102',"
            + " '2024-02-29', '13:14:15.5', '2024-02-29 13:14:15.123',"
            + " '2024-02-29 13:14:15.123+02', '123e4567-e89b-12d3-a456-426614174000',"
            + " '{\"a\": 1}', '{1,2,3}'";
      default:
        return "42, 9000000000, 7, 12.50, 1.5, 2.25, TRUE, 'hello', 'long text', X'0102',"
            + " X'0304', '2024-02-29', '13:14:15.500', '2024-02-29 13:14:15.123',"
            + " '2024-02-29 13:14:15.123'";
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cachedResultSet_matchesDriver_columnTypeByColumnType(Databases db) throws Exception {
    String table = "fid_" + UUID.randomUUID().toString().substring(0, 8);
    String[] columns = schema(db);
    try (HikariDataSource pool = db.pool();
        LayerCache cache = TestCaches.encoded()) {
      CachingDataSource ds = CachingDataSource.wrap(pool, cache);
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE " + table + " (id INT PRIMARY KEY, " + String.join(", ", columns) + ")");
        s.execute("INSERT INTO " + table + " VALUES (1, " + values(db) + ")");
        s.execute("INSERT INTO " + table + " (id) VALUES (2)");
      }
      String sql = "SELECT * FROM " + table + " ORDER BY id";
      List<String> mismatches = new ArrayList<>();
      int compared = 0;
      try (Connection direct = pool.getConnection();
          Connection cached = ds.getConnection()) {
        try (Statement warm = cached.createStatement();
            ResultSet rs = warm.executeQuery(sql)) {
          while (rs.next()) {
            // fill the cache
          }
        }
        try (Statement s1 = direct.createStatement();
            Statement s2 = cached.createStatement();
            ResultSet d = s1.executeQuery(sql);
            ResultSet h = s2.executeQuery(sql)) {
          assertThat(h.getClass().getSimpleName()).isEqualTo("CachedResultSet");
          compareMetaData(d.getMetaData(), h.getMetaData(), mismatches);
          int n = d.getMetaData().getColumnCount();
          while (d.next()) {
            assertThat(h.next()).isTrue();
            for (int i = 1; i <= n; i++) {
              String col = d.getMetaData().getColumnLabel(i);
              int sqlType = d.getMetaData().getColumnType(i);
              for (int g = 0; g < GETTERS.length; g++) {
                if (!inConversionTable(sqlType, GETTER_NAMES[g])) {
                  continue;
                }
                Object expected;
                try {
                  expected = normalize(GETTERS[g].get(d, i));
                } catch (SQLException | RuntimeException e) {
                  continue; // the driver refuses this conversion; nothing to match
                }
                boolean expectedNull = d.wasNull();
                Object actual;
                try {
                  actual = normalize(GETTERS[g].get(h, i));
                } catch (SQLException | RuntimeException e) {
                  mismatches.add(col + " " + GETTER_NAMES[g] + ": threw " + e);
                  continue;
                }
                compared++;
                if (!Objects.deepEquals(expected, actual) || expectedNull != h.wasNull()) {
                  mismatches.add(
                      col + " " + GETTER_NAMES[g] + ": driver " + expected + " cache " + actual);
                }
              }
            }
          }
          assertThat(h.next()).isFalse();
        }
      } finally {
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE " + table);
        }
      }
      assertThat(mismatches).isEmpty();
      assertThat(compared).isGreaterThan(100);
    }
  }

  /**
   * The conversions compared: the JDBC table (getBytes and getBlob on binary columns, getArray on
   * arrays), minus those whose driver answers are not stable values: binary columns as text or
   * numbers, text as booleans, and TIME columns as timestamps (H2 adds today's date).
   */
  private static boolean inConversionTable(int sqlType, String getter) {
    boolean binary =
        sqlType == Types.BINARY
            || sqlType == Types.VARBINARY
            || sqlType == Types.LONGVARBINARY
            || sqlType == Types.BLOB;
    boolean text =
        sqlType == Types.CHAR
            || sqlType == Types.VARCHAR
            || sqlType == Types.LONGVARCHAR
            || sqlType == Types.CLOB;
    if (getter.equals("getBytes") || getter.equals("getBlob")) {
      return binary;
    }
    if (getter.equals("getArray")) {
      return sqlType == Types.ARRAY;
    }
    if (binary) {
      return getter.equals("getObject");
    }
    if (text && getter.equals("getBoolean")) {
      return false;
    }
    if (sqlType == Types.TIME) {
      return !getter.equals("getTimestamp") && !getter.contains("DateTime");
    }
    return true;
  }

  private static Object normalize(Object v) throws SQLException {
    if (v instanceof java.sql.Date) {
      return ((java.sql.Date) v).toLocalDate(); // some drivers keep a time of day in it
    }
    if (v instanceof Array) {
      return Arrays.asList((Object[]) ((Array) v).getArray());
    }
    if (v instanceof Clob) {
      return ((Clob) v).getSubString(1, (int) ((Clob) v).length());
    }
    if (v instanceof Blob) {
      return Arrays.toString(((Blob) v).getBytes(1, (int) ((Blob) v).length()));
    }
    if (v instanceof byte[]) {
      return Arrays.toString((byte[]) v);
    }
    if (v != null && v.getClass().getName().startsWith("org.postgresql.util.PGobject")) {
      return v.toString(); // documented: json and other PostgreSQL objects come back as text
    }
    return v;
  }

  private static void compareMetaData(
      ResultSetMetaData d, ResultSetMetaData h, List<String> mismatches) throws SQLException {
    assertThat(h.getColumnCount()).isEqualTo(d.getColumnCount());
    for (int i = 1; i <= d.getColumnCount(); i++) {
      check(mismatches, i, "name", d.getColumnName(i), h.getColumnName(i));
      check(mismatches, i, "label", d.getColumnLabel(i), h.getColumnLabel(i));
      check(mismatches, i, "type", d.getColumnType(i), h.getColumnType(i));
      check(mismatches, i, "typeName", d.getColumnTypeName(i), h.getColumnTypeName(i));
      check(mismatches, i, "precision", d.getPrecision(i), h.getPrecision(i));
      check(mismatches, i, "scale", d.getScale(i), h.getScale(i));
      check(mismatches, i, "nullable", d.isNullable(i), h.isNullable(i));
      check(mismatches, i, "className", d.getColumnClassName(i), h.getColumnClassName(i));
    }
  }

  private static void check(List<String> mismatches, int i, String what, Object d, Object h) {
    if (!Objects.equals(d, h)) {
      mismatches.add("column " + i + " " + what + ": driver " + d + " cache " + h);
    }
  }
}
