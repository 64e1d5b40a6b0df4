package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes the database does behind a statement, learnt from its catalogs without any declaration:
 * cascading foreign keys, {@code TRUNCATE ... CASCADE}, views over written tables, triggers, and
 * functions that write when a query calls them. Each is read through the cache before and after.
 */
class HiddenWritesIT {
  private final String p = "hw" + UUID.randomUUID().toString().substring(0, 6);
  private final List<String> cleanup = new ArrayList<>();
  private final LayerCache cache = TestCaches.encoded();
  private HikariDataSource pool;
  private CachingDataSource ds;

  private void setUp(Databases db) {
    pool = db.pool();
    ds = CachingDataSource.wrap(pool, cache);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String sql : cleanup) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        // best effort
      }
    }
    pool.close();
    cache.close();
  }

  /** DDL and fixtures behind the wrapper's back, as a migration tool would run them. */
  private void admin(String... sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cascadingForeignKey_deleteOfTheParent_invalidatesTheChild(Databases db) throws Exception {
    setUp(db);
    String parent = p + "_parent";
    String child = p + "_child";
    admin(
        "CREATE TABLE " + parent + " (id INT PRIMARY KEY)",
        "CREATE TABLE "
            + child
            + " (id INT PRIMARY KEY, parent_id INT REFERENCES "
            + parent
            + " (id) ON DELETE CASCADE)",
        "INSERT INTO " + parent + " VALUES (1)",
        "INSERT INTO " + child + " VALUES (10, 1), (11, 1)");
    cleanup.add("DROP TABLE " + child);
    cleanup.add("DROP TABLE " + parent);
    try (Connection c = ds.getConnection()) {
      String count = "SELECT COUNT(*) FROM " + child;
      assertThat(one(c, count)).isEqualTo("2");
      exec(c, "DELETE FROM " + parent + " WHERE id = 1");
      assertThat(one(c, count)).isEqualTo("0");
    }
  }

  @Test
  void postgresTruncateCascade_invalidatesEveryReferencingTable() throws Exception {
    setUp(Databases.POSTGRESQL);
    String parent = p + "_parent";
    String child = p + "_child";
    admin(
        "CREATE TABLE " + parent + " (id INT PRIMARY KEY)",
        "CREATE TABLE " + child + " (id INT PRIMARY KEY, parent_id INT REFERENCES " + parent + ")",
        "INSERT INTO " + parent + " VALUES (1)",
        "INSERT INTO " + child + " VALUES (10, 1)");
    cleanup.add("DROP TABLE " + child);
    cleanup.add("DROP TABLE " + parent);
    try (Connection c = ds.getConnection()) {
      String count = "SELECT COUNT(*) FROM " + child;
      assertThat(one(c, count)).isEqualTo("1");
      exec(c, "TRUNCATE " + parent + " CASCADE");
      assertThat(one(c, count)).isEqualTo("0");
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void view_writeOfItsBaseTable_invalidatesIt_andUncommittedRowsStayPrivate(Databases db)
      throws Exception {
    setUp(db);
    String base = p + "_base";
    String view = p + "_view";
    admin(
        "CREATE TABLE " + base + " (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO " + base + " VALUES (1, 'old')",
        "CREATE VIEW " + view + " AS SELECT id, v FROM " + base);
    cleanup.add("DROP VIEW " + view);
    cleanup.add("DROP TABLE " + base);
    String read = "SELECT v FROM " + view + " WHERE id = 1";
    try (Connection c = ds.getConnection();
        Connection tx = ds.getConnection()) {
      assertThat(one(c, read)).isEqualTo("old");
      tx.setAutoCommit(false);
      exec(tx, "UPDATE " + base + " SET v = 'uncommitted' WHERE id = 1");
      assertThat(one(tx, read)).isEqualTo("uncommitted");
      assertThat(one(c, read)).as("another connection").isEqualTo("old");
      tx.rollback();
      tx.setAutoCommit(true);
      assertThat(one(c, read)).isEqualTo("old");
      exec(c, "UPDATE " + base + " SET v = 'new' WHERE id = 1");
      assertThat(one(c, read)).isEqualTo("new");
    }
  }

  private void auditTrigger(Databases db, String table, String audit) throws SQLException {
    admin("CREATE TABLE " + table + " (id INT PRIMARY KEY)", "CREATE TABLE " + audit + " (id INT)");
    cleanup.add("DROP TABLE " + table);
    cleanup.add("DROP TABLE " + audit);
    if (db == Databases.POSTGRESQL) {
      admin(
          "CREATE FUNCTION "
              + p
              + "_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
              + audit
              + " VALUES (NEW.id); RETURN NEW; END $$",
          "CREATE TRIGGER "
              + p
              + "_t AFTER INSERT ON "
              + table
              + " FOR EACH ROW EXECUTE FUNCTION "
              + p
              + "_log()");
      cleanup.add(0, "DROP FUNCTION " + p + "_log() CASCADE");
    } else {
      admin(
          "CREATE TRIGGER "
              + p
              + "_t AFTER INSERT ON "
              + table
              + " FOR EACH ROW INSERT INTO "
              + audit
              + " VALUES (NEW.id)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Databases.class,
      names = {"POSTGRESQL", "MARIADB"})
  void trigger_writesItsTarget_andUncommittedRowsStayPrivate(Databases db) throws Exception {
    setUp(db);
    String table = p + "_items";
    String audit = p + "_audit";
    auditTrigger(db, table, audit);
    String count = "SELECT COUNT(*) FROM " + audit;
    try (Connection c = ds.getConnection();
        Connection tx = ds.getConnection()) {
      assertThat(one(c, count)).isEqualTo("0");
      exec(c, "INSERT INTO " + table + " VALUES (1)");
      assertThat(one(c, count)).as("the trigger's write is seen").isEqualTo("1");

      tx.setAutoCommit(false);
      exec(tx, "INSERT INTO " + table + " VALUES (2)");
      assertThat(one(tx, count)).isEqualTo("2");
      assertThat(one(c, count)).as("uncommitted, another connection").isEqualTo("1");
      tx.rollback();
      tx.setAutoCommit(true);
      assertThat(one(c, count)).isEqualTo("1");
    }
  }

  @Test
  void postgresFunctionThatWrites_runsEveryTime_andItsWriteIsSeen() throws Exception {
    setUp(Databases.POSTGRESQL);
    String counter = p + "_counter";
    String fn = p + "_bump";
    admin(
        "CREATE TABLE " + counter + " (n INT)",
        "INSERT INTO " + counter + " VALUES (0)",
        "CREATE FUNCTION "
            + fn
            + "() RETURNS int LANGUAGE sql AS $$ UPDATE "
            + counter
            + " SET n = n + 1 RETURNING n $$");
    cleanup.add("DROP FUNCTION " + fn + "()");
    cleanup.add("DROP TABLE " + counter);
    try (Connection c = ds.getConnection()) {
      String read = "SELECT n FROM " + counter;
      assertThat(one(c, read)).isEqualTo("0");
      assertThat(one(c, "SELECT " + fn + "()")).isEqualTo("1");
      assertThat(one(c, "SELECT " + fn + "()")).as("the function ran again").isEqualTo("2");
      assertThat(one(c, read)).as("its write is seen").isEqualTo("2");
      assertThat(one(c, "SELECT * FROM " + fn + "()")).as("as a table function").isEqualTo("3");
      assertThat(one(c, read)).isEqualTo("3");
    }
  }

  @Test
  void mariadbFunctionThatWrites_runsEveryTime_andItsWriteIsSeen() throws Exception {
    setUp(Databases.MARIADB);
    String counter = p + "_counter";
    String fn = p + "_bump";
    admin(
        "CREATE TABLE " + counter + " (n INT)",
        "INSERT INTO " + counter + " VALUES (0)",
        "CREATE FUNCTION "
            + fn
            + "() RETURNS INT MODIFIES SQL DATA BEGIN UPDATE "
            + counter
            + " SET n = n + 1; RETURN (SELECT n FROM "
            + counter
            + "); END");
    cleanup.add("DROP FUNCTION " + fn);
    cleanup.add("DROP TABLE " + counter);
    try (Connection c = ds.getConnection()) {
      String read = "SELECT n FROM " + counter;
      assertThat(one(c, read)).isEqualTo("0");
      assertThat(one(c, "SELECT " + fn + "()")).isEqualTo("1");
      assertThat(one(c, "SELECT " + fn + "()")).as("the function ran again").isEqualTo("2");
      assertThat(one(c, read)).as("its write is seen").isEqualTo("2");
    }
  }

  /** Reads whose value changes with time, locks or unseen tables: never answered from the cache. */
  @ParameterizedTest
  @EnumSource(Databases.class)
  void volatileReads_areNotCached(Databases db) throws Exception {
    setUp(db);
    String t = p + "_t";
    admin("CREATE TABLE " + t + " (v INT)", "INSERT INTO " + t + " VALUES (1)");
    cleanup.add("DROP TABLE " + t);
    List<String> reads = new ArrayList<>();
    reads.add("SELECT LOCALTIMESTAMP, v FROM " + t);
    reads.add("SELECT CURRENT_TIMESTAMP, v FROM " + t);
    if (db == Databases.POSTGRESQL) {
      reads.add("SELECT 'now'::timestamptz, v FROM " + t);
      reads.add("SELECT localtime, v FROM " + t);
      reads.add("SELECT pg_try_advisory_xact_lock(42), v FROM " + t);
      String total = p + "_total";
      admin(
          "CREATE FUNCTION "
              + total
              + "() RETURNS bigint STABLE LANGUAGE sql AS 'SELECT sum(v) FROM "
              + t
              + "'");
      cleanup.add(0, "DROP FUNCTION " + total + "()");
      reads.add("SELECT " + total + "(), v FROM " + t);
    }
    if (db == Databases.MARIADB) {
      reads.add("SELECT GET_LOCK('l', 0), v FROM " + t);
    }
    try (Connection c = ds.getConnection()) {
      for (String read : reads) {
        String before;
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(read)) {
          rs.next();
          before = rs.getString(2);
        }
        admin("UPDATE " + t + " SET v = v + 1"); // behind the wrapper's back
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(read)) {
          rs.next();
          assertThat(rs.getString(2)).as(read).isNotEqualTo(before);
        }
      }
    }
  }

  @Test
  void postgresImmutableUserFunction_isStillCached() throws Exception {
    setUp(Databases.POSTGRESQL);
    String t = p + "_t";
    String twice = p + "_twice";
    admin(
        "CREATE TABLE " + t + " (v INT)",
        "INSERT INTO " + t + " VALUES (1)",
        "CREATE FUNCTION " + twice + "(int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT $1 * 2'");
    cleanup.add("DROP FUNCTION " + twice + "(int)");
    cleanup.add("DROP TABLE " + t);
    try (Connection c = ds.getConnection()) {
      String read = "SELECT " + twice + "(v) FROM " + t;
      assertThat(one(c, read)).isEqualTo("2");
      admin("UPDATE " + t + " SET v = 5"); // behind the wrapper's back
      assertThat(one(c, read)).as("served from the cache").isEqualTo("2");
    }
  }
}
