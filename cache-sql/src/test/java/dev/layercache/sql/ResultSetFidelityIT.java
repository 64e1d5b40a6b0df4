package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.layercache.LayerCache;
import dev.layercache.sql.FidelitySamples.ColumnType;
import dev.layercache.sql.ResultSetGetters.Getter;
import dev.layercache.sql.ResultSetGetters.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cached result set side by side with the driver's, as a generated matrix: every column type of
 * {@link FidelitySamples} (sample values and NULL) times every cell getter of {@link
 * ResultSetGetters}. Each getter must give the driver's answer from the cache (after a JSON round
 * trip): the same value of the same class, or an exception of the same family with the driver's
 * SQLState, and the same {@code wasNull}. Types the cache cannot reproduce must pass through: their
 * queries are not cached, and the caller reads the driver's own result set.
 */
class ResultSetFidelityIT {
  /** The column types whose results each database's cache does not hold. */
  private static final Map<Databases, Set<String>> PASSED_THROUGH =
      Map.of(
          Databases.H2,
          Set.of(
              "DECFLOAT",
              "ENUM('red', 'green')",
              "GEOMETRY",
              "INTERVAL YEAR",
              "INTERVAL YEAR TO MONTH",
              "INTERVAL MONTH",
              "INTERVAL DAY",
              "INTERVAL DAY TO HOUR",
              "INTERVAL DAY TO MINUTE",
              "INTERVAL DAY TO SECOND",
              "INTERVAL HOUR",
              "INTERVAL HOUR TO MINUTE",
              "INTERVAL HOUR TO SECOND",
              "INTERVAL MINUTE",
              "INTERVAL MINUTE TO SECOND",
              "INTERVAL SECOND",
              "JAVA_OBJECT",
              "ROW(a INT, b VARCHAR(5))"),
          Databases.POSTGRESQL,
          Set.of("OID"),
          Databases.MARIADB,
          Set.of());

  private static final int MAX_MISMATCHES_SHOWN = 100000;

  @ParameterizedTest
  @EnumSource(Databases.class)
  void everyGetter_ofEveryColumnType_answersAsTheDriver(Databases db) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String table = "fid_" + suffix;
    List<ColumnType> types = FidelitySamples.types(db, suffix);
    List<Getter> getters = ResultSetGetters.all();
    Matrix matrix = new Matrix(db, types.size(), getters.size());
    try (HikariDataSource settings = db.pool();
        LayerCache cache = TestCaches.encoded()) {
      // Connections without a pool: a pool closes a connection whose driver reports a feature
      // as unsupported (SQLState 0A000), and the matrix asks for every feature.
      DataSource pool =
          new DriverDataSource(
              settings.getJdbcUrl(),
              null,
              new Properties(),
              settings.getUsername(),
              settings.getPassword());
      CachingDataSource ds = CachingDataSource.wrap(pool, cache);
      createTable(db, pool, suffix, table, types);
      try (Connection direct = pool.getConnection();
          Connection cached = ds.getConnection()) {
        assertThat(FidelitySamples.uncovered(db, direct, types))
            .as("types the database lists that no sample covers")
            .isEmpty();
        for (int c = 0; c < types.size(); c++) {
          compareColumn(matrix, types.get(c), table, c, getters, direct, cached);
        }
      } finally {
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE " + table);
          for (String sql : FidelitySamples.teardown(db, suffix)) {
            s.execute(sql);
          }
        }
      }
    }
    System.out.println(matrix.summary());
    assertThat(matrix.mismatches).as(matrix.shownMismatches()).isEmpty();
    assertThat(matrix.valueMatches).isGreaterThan(1000);
    assertThat(matrix.exceptionMatches).isGreaterThan(100);
  }

  private static void createTable(
      Databases db, DataSource pool, String suffix, String table, List<ColumnType> types)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    int rows = 0;
    for (int c = 0; c < types.size(); c++) {
      columns.add(column(c) + " " + types.get(c).ddl());
      rows = Math.max(rows, types.get(c).literals().size());
    }
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : FidelitySamples.setup(db, suffix)) {
        s.execute(sql);
      }
      s.execute(
          "CREATE TABLE " + table + " (id INT PRIMARY KEY, " + String.join(", ", columns) + ")");
      // One row per sample value, then one of NULLs; a type with fewer samples has NULLs below.
      for (int r = 0; r <= rows; r++) {
        List<String> values = new ArrayList<>();
        values.add(String.valueOf(r + 1));
        for (ColumnType t : types) {
          values.add(r < t.literals().size() ? t.literals().get(r) : "NULL");
        }
        s.execute("INSERT INTO " + table + " VALUES (" + String.join(", ", values) + ")");
      }
    }
  }

  private static String column(int c) {
    return "c" + c;
  }

  private static void compareColumn(
      Matrix matrix,
      ColumnType type,
      String table,
      int c,
      List<Getter> getters,
      Connection direct,
      Connection cached)
      throws Exception {
    String label = "v" + c;
    String sql = "SELECT id, " + column(c) + " AS " + label + " FROM " + table + " ORDER BY id";
    try (Statement warm = cached.createStatement();
        ResultSet rs = warm.executeQuery(sql)) {
      while (rs.next()) {
        // fills the cache
      }
    }
    try (Statement s1 = direct.createStatement();
        Statement s2 = cached.createStatement();
        ResultSet d = s1.executeQuery(sql);
        ResultSet h = s2.executeQuery(sql)) {
      boolean isCached = h.getClass().getSimpleName().equals("CachedResultSet");
      boolean passesThrough = PASSED_THROUGH.get(matrix.db).contains(type.ddl());
      if (!isCached) {
        matrix.uncached.add(type.ddl());
      }
      if (isCached == passesThrough) {
        matrix.mismatch(
            type,
            "caching",
            passesThrough ? "passes through" : "cached",
            isCached ? "cached" : "passes through");
      }
      compareMetaData(matrix, type, d.getMetaData(), h.getMetaData());
      int row = 0;
      while (d.next()) {
        row++;
        if (!h.next()) {
          matrix.mismatch(type, "next", "row " + row, "no row " + row);
          return;
        }
        for (Getter g : getters) {
          Outcome expected = ResultSetGetters.outcome(g, d, 2, label);
          Outcome actual = ResultSetGetters.outcome(g, h, 2, label);
          matrix.compared(type, g, row, expected, actual);
        }
      }
      if (h.next()) {
        matrix.mismatch(type, "next", "no row " + (row + 1), "row " + (row + 1));
      }
    }
  }

  private static void compareMetaData(
      Matrix matrix, ColumnType type, ResultSetMetaData d, ResultSetMetaData h)
      throws SQLException {
    if (d.getColumnCount() != h.getColumnCount()) {
      matrix.mismatch(type, "columnCount", d.getColumnCount(), h.getColumnCount());
      return;
    }
    int i = 2;
    check(matrix, type, "name", d.getColumnName(i), h.getColumnName(i));
    check(matrix, type, "label", d.getColumnLabel(i), h.getColumnLabel(i));
    check(matrix, type, "type", d.getColumnType(i), h.getColumnType(i));
    check(matrix, type, "typeName", d.getColumnTypeName(i), h.getColumnTypeName(i));
    check(matrix, type, "precision", d.getPrecision(i), h.getPrecision(i));
    check(matrix, type, "scale", d.getScale(i), h.getScale(i));
    check(matrix, type, "nullable", d.isNullable(i), h.isNullable(i));
    check(matrix, type, "className", d.getColumnClassName(i), h.getColumnClassName(i));
  }

  private static void check(Matrix matrix, ColumnType type, String what, Object d, Object h) {
    if (!Objects.equals(d, h)) {
      matrix.mismatch(type, "metadata " + what, d, h);
    }
  }

  /** The tally of one database's matrix. */
  private static final class Matrix {
    final Databases db;
    final int types;
    final int getters;
    long comparisons;
    long valueMatches;
    long exceptionMatches;
    final Set<String> uncached = new TreeSet<>();
    final List<String> mismatches = new ArrayList<>();
    // The first mismatch of each type and getter, so that one broken conversion reads as one line.
    final Map<String, String> firstMismatches = new LinkedHashMap<>();

    Matrix(Databases db, int types, int getters) {
      this.db = db;
      this.types = types;
      this.getters = getters;
    }

    void compared(ColumnType type, Getter g, int row, Outcome expected, Outcome actual) {
      comparisons++;
      if (!expected.matchedBy(actual)) {
        mismatch(type, g.name() + " row " + row, expected, actual);
      } else if (expected.threw()) {
        exceptionMatches++;
      } else {
        valueMatches++;
      }
    }

    void mismatch(ColumnType type, String what, Object driver, Object cache) {
      String line = type.ddl() + " " + what + ": driver " + driver + " | cache " + cache;
      mismatches.add(line);
      firstMismatches.putIfAbsent(type.ddl() + " " + what.replaceAll(" row \\d+$", ""), line);
    }

    String shownMismatches() {
      StringBuilder b = new StringBuilder(db + ": " + mismatches.size() + " mismatches");
      firstMismatches.values().stream()
          .limit(MAX_MISMATCHES_SHOWN)
          .forEach(line -> b.append("\n  ").append(line));
      return b.toString();
    }

    String summary() {
      return String.format(
          "%s fidelity: %d types x %d getters, %d comparisons (rows included): %d matched as"
              + " values, %d as exceptions, %d mismatches; passed through uncached: %s%s",
          db,
          types,
          getters,
          comparisons,
          valueMatches,
          exceptionMatches,
          mismatches.size(),
          uncached.isEmpty() ? "none" : uncached,
          mismatches.isEmpty() ? "" : "\n" + shownMismatches());
    }
  }
}
