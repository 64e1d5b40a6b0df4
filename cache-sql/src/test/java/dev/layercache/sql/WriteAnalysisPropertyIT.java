package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For generated writes on PostgreSQL, every table the database itself says the statement touched
 * ({@code pg_stat_xact_user_tables}, in the statement's own transaction, rolled back after) has its
 * cached reads invalidated by the wrapper: the set of tables a write may touch, as the wrapper
 * reckons it, is never smaller than the database's. The schema has what hides writes: a cascading
 * foreign key, a trigger, an updatable view, data-modifying CTEs, {@code UPDATE ... FROM}, {@code
 * DELETE ... USING}.
 */
class WriteAnalysisPropertyIT {
  private static final String P = "wa" + UUID.randomUUID().toString().substring(0, 6);
  private static final List<String> TABLES = List.of("t1", "t2", "t3", "t4", "t5");
  private static HikariDataSource pool;
  private static LayerCache cache;
  private static CachingDataSource ds;

  private static String t(String name) {
    return P + "_" + name;
  }

  @BeforeContainer
  static void createSchema() throws SQLException {
    pool = Databases.POSTGRESQL.pool();
    cache = TestCaches.encoded();
    ds = CachingDataSource.wrap(pool, cache);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + t("t1") + " (id INT PRIMARY KEY, v INT)");
      s.execute(
          "CREATE TABLE "
              + t("t2")
              + " (id INT PRIMARY KEY, v INT, t1_id INT REFERENCES "
              + t("t1")
              + " ON DELETE CASCADE ON UPDATE CASCADE)");
      s.execute("CREATE TABLE " + t("t3") + " (id INT PRIMARY KEY, v INT)");
      s.execute("CREATE TABLE " + t("t4") + " (id INT PRIMARY KEY, v INT)");
      s.execute("CREATE TABLE " + t("t5") + " (id INT PRIMARY KEY, v INT)");
      s.execute(
          "CREATE FUNCTION "
              + t("audit")
              + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
              + t("t5")
              + " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM "
              + t("t5")
              + "), NEW.v); RETURN NEW; END $$");
      s.execute(
          "CREATE TRIGGER "
              + t("trg")
              + " AFTER INSERT OR UPDATE ON "
              + t("t4")
              + " FOR EACH ROW EXECUTE FUNCTION "
              + t("audit")
              + "()");
      s.execute("CREATE VIEW " + t("v3") + " AS SELECT id, v FROM " + t("t3"));
      for (String table : List.of("t1", "t2", "t3", "t5", "t4")) {
        String extra = table.equals("t2") ? ", i" : "";
        s.execute(
            "INSERT INTO "
                + t(table)
                + " SELECT i, i"
                + extra
                + " FROM generate_series(1, 5) AS i");
      }
    }
  }

  @AfterContainer
  static void dropSchema() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP VIEW " + t("v3"));
      for (String table : List.of("t2", "t1", "t3", "t4", "t5")) {
        s.execute("DROP TABLE " + t(table));
      }
      s.execute("DROP FUNCTION " + t("audit") + "()");
    }
    pool.close();
    cache.close();
  }

  @Provide
  Arbitrary<String> writes() {
    Arbitrary<String> target = Arbitraries.of("t1", "t2", "t3", "t4", "v3");
    Arbitrary<String> other = Arbitraries.of("t1", "t2", "t3", "t4", "t5", "v3");
    Arbitrary<Integer> k = Arbitraries.integers().between(1, 6);
    return Combinators.combine(Arbitraries.integers().between(0, 8), target, other, k)
        .as(WriteAnalysisPropertyIT::write);
  }

  private static String write(int form, String target, String other, int k) {
    String tt = t(target);
    String ot = t(other);
    switch (form) {
      case 0:
        return "UPDATE " + tt + " SET v = v + 1 WHERE id IN (SELECT id FROM " + ot + ")";
      case 1:
        return "DELETE FROM " + tt + " WHERE id = " + k;
      case 2:
        return "INSERT INTO "
            + tt
            + " (id, v) SELECT id + 100, v FROM "
            + ot
            + " WHERE id = "
            + k
            + " ON CONFLICT DO NOTHING";
      case 3:
        return "WITH d AS (DELETE FROM "
            + tt
            + " WHERE id = "
            + k
            + " RETURNING id) INSERT INTO "
            + ot
            + " (id, v) SELECT id + 200, 0 FROM d ON CONFLICT DO NOTHING";
      case 4:
        return "UPDATE " + tt + " x SET v = o.v FROM " + ot + " o WHERE x.id = o.id";
      case 5:
        return "DELETE FROM " + tt + " x USING " + ot + " o WHERE x.id = o.id AND o.id = " + k;
      case 6:
        return "WITH u AS (UPDATE "
            + ot
            + " SET v = v - 1 WHERE id = "
            + k
            + " RETURNING id) SELECT count(*) FROM u";
      case 7:
        return "UPDATE " + tt + " SET id = id + 1000 WHERE id = " + k;
      default:
        return "TRUNCATE " + (target.equals("v3") ? t("t3") : tt) + " CASCADE";
    }
  }

  private static String read(String table) {
    return "SELECT count(*), coalesce(sum(v), 0), coalesce(sum(id), 0) FROM " + t(table);
  }

  private static String rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
    }
  }

  /**
   * Rows inserted, updated or deleted per table, as the backend counts them for this transaction
   * (read before and after the statement: only the difference is the statement's).
   */
  private static java.util.Map<String, Long> rowCounts(Connection raw) throws SQLException {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try (Statement s = raw.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
                    + " WHERE relname LIKE '"
                    + P
                    + "\\_%'")) {
      while (rs.next()) {
        out.put(rs.getString(1).substring(P.length() + 1), rs.getLong(2));
      }
    }
    return out;
  }

  @Property(tries = 120, seed = "20261203")
  void everyTableTheDatabaseWrites_isInvalidated(@ForAll("writes") String sql) throws Exception {
    try (Connection c = ds.getConnection();
        Connection admin = pool.getConnection()) {
      for (String table : TABLES) {
        rows(c, read(table)); // cached
      }
      // Behind the wrapper's back, every table changes: its cached reads are now stale, and only
      // an invalidation by the write below makes a read see the change.
      try (Statement s = admin.createStatement()) {
        for (String table : TABLES) {
          s.executeUpdate("UPDATE " + t(table) + " SET v = v + 1000 WHERE id = 3");
        }
      }
      c.setAutoCommit(false);
      Connection raw = c.unwrap(Connection.class);
      Set<String> touched;
      try (Statement s = c.createStatement()) {
        java.util.Map<String, Long> before = rowCounts(raw);
        s.execute(sql);
        touched = new LinkedHashSet<>();
        for (java.util.Map.Entry<String, Long> e : rowCounts(raw).entrySet()) {
          if (e.getValue() > before.getOrDefault(e.getKey(), 0L)) {
            touched.add(e.getKey());
          }
        }
      } catch (SQLException e) {
        touched = Set.of(); // refused by the database (a key taken): it wrote nothing
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
      List<String> stale = new ArrayList<>();
      for (String table : touched) {
        if (!rows(c, read(table)).equals(rows(admin, read(table)))) {
          stale.add(table);
        }
      }
      assertThat(stale)
          .as("tables %s touched by %s, read stale afterwards", touched, sql)
          .isEmpty();
    }
  }
}
