package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import dev.layercache.testkit.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cached result is the answer the database would give this connection: the same SQL asked by
 * another user, another role, another tenant, under another search path, time zone, SQL mode or
 * database, or over a temporary table, is never answered with someone else's rows.
 */
class SessionContextIT {
  private final String p = "sc" + UUID.randomUUID().toString().substring(0, 6);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> cleanup = new ArrayList<>();
  private HikariDataSource admin;
  private final LayerCache cache = TestCaches.encoded();

  @AfterEach
  void tearDown() throws Exception {
    if (admin != null) {
      for (String sql : cleanup) {
        try (Connection c = admin.getConnection();
            Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (SQLException e) {
          // best effort
        }
      }
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    cache.close();
  }

  private HikariDataSource pool(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    HikariDataSource pool = new HikariDataSource(config);
    closing.add(0, pool);
    return pool;
  }

  private CachingDataSource postgres() throws SQLException {
    admin = pool(TestServers.postgresUrl());
    return CachingDataSource.wrap(admin, cache);
  }

  private CachingDataSource mariadb() throws SQLException {
    admin = pool(TestServers.mariadbUrl());
    return CachingDataSource.wrap(admin, cache);
  }

  private void exec(DataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection()) {
      exec(c, sql);
    }
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String one(Connection c, String sql) throws SQLException {
    List<String> r = rows(c, sql);
    assertThat(r).hasSize(1);
    return r.get(0);
  }

  // ------------------------------------------------------------------ PostgreSQL

  private String rlsTable(CachingDataSource ds) throws SQLException {
    String t = p + "_docs";
    exec(
        admin,
        "CREATE TABLE " + t + " (tenant text, body text)",
        "INSERT INTO " + t + " VALUES ('a', 'a1'), ('b', 'b1')",
        "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE " + t + " FORCE ROW LEVEL SECURITY",
        "CREATE POLICY tenant_only ON "
            + t
            + " USING (tenant = current_setting('app.tenant', true)) WITH CHECK (true)");
    cleanup.add("DROP TABLE " + t);
    return t;
  }

  @Test
  void rowLevelSecurity_eachTenantSeesOnlyItsRows_andTheTableIsNotCached() throws Exception {
    CachingDataSource ds = postgres();
    String t = rlsTable(ds);
    String q = "SELECT body FROM " + t + " ORDER BY body";
    try (Connection a = ds.getConnection();
        Connection b = ds.getConnection()) {
      exec(a, "SET app.tenant = 'a'");
      exec(b, "SET app.tenant = 'b'");
      assertThat(rows(a, q)).containsExactly("a1");
      assertThat(rows(b, q)).containsExactly("b1");
      exec(a, "SELECT set_config('app.tenant', 'b', false)");
      assertThat(rows(a, q)).containsExactly("b1");
      exec(admin, "INSERT INTO " + t + " VALUES ('b', 'b2')"); // behind the wrapper's back
      assertThat(rows(b, q)).as("a table under row-level security is not cached").contains("b2");
    }
  }

  @Test
  void rowLevelSecurity_anObjectAssembledFromTheRows_isNotCachedEither() throws Exception {
    CachingDataSource ds = postgres();
    String t = rlsTable(ds);
    String q = "SELECT body FROM " + t + " ORDER BY body";
    dev.layercache.CachePolicy policy =
        dev.layercache.CachePolicy.builder().ttl(java.time.Duration.ofMinutes(5)).build();
    dev.layercache.CacheKey key = dev.layercache.CacheKey.of("documents", "all");
    try (Connection a = ds.getConnection();
        Connection b = ds.getConnection()) {
      exec(a, "SET app.tenant = 'a'");
      exec(b, "SET app.tenant = 'b'");
      assertThat(cache.get(key, String.class, policy, () -> String.join(",", rows(a, q))))
          .isEqualTo("a1");
      assertThat(cache.get(key, String.class, policy, () -> String.join(",", rows(b, q))))
          .as("tenant b's own rows, not tenant a's assembled object")
          .isEqualTo("b1");
    }
  }

  @Test
  void aCustomSettingSetWhereTheWrapperCannotSee_isPartOfTheKeyOnceAQueryReadsIt()
      throws Exception {
    HikariDataSource[] pools = new HikariDataSource[2];
    String[] tenants = {"a", "b"};
    for (int i = 0; i < 2; i++) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(TestServers.postgresUrl());
      config.setMaximumPoolSize(2);
      config.setConnectionInitSql("SET app.tenant = '" + tenants[i] + "'");
      pools[i] = new HikariDataSource(config);
      closing.add(0, pools[i]);
    }
    admin = pools[0];
    String q = "SELECT current_setting('app.tenant', true)";
    try (Connection a = CachingDataSource.wrap(pools[0], cache).getConnection();
        Connection b = CachingDataSource.wrap(pools[1], cache).getConnection()) {
      assertThat(one(a, q)).isEqualTo("a");
      assertThat(one(b, q)).isEqualTo("b");
      assertThat(one(a, q)).isEqualTo("a");
    }
  }

  @Test
  void rowLevelSecurity_namedInThePolicy_isCachedPerTenant() throws Exception {
    admin = pool(TestServers.postgresUrl());
    String t = rlsTable(null);
    CachingDataSource ds =
        CachingDataSource.wrap(
            admin, cache, QueryCachePolicy.builder().cacheRowSecurityTables(t).build());
    String q = "SELECT body FROM " + t + " ORDER BY body";
    try (Connection a = ds.getConnection();
        Connection b = ds.getConnection()) {
      exec(a, "SET app.tenant = 'a'");
      exec(b, "SET app.tenant = 'b'");
      assertThat(rows(a, q)).containsExactly("a1");
      exec(admin, "INSERT INTO " + t + " VALUES ('a', 'a2')"); // behind the wrapper's back
      assertThat(rows(a, q)).as("cached: the policy names the table").containsExactly("a1");
      assertThat(rows(b, q)).as("another tenant, another key").containsExactly("b1");
    }
  }

  @Test
  void aUserOrRoleWithoutThePrivilege_getsTheDatabasesRefusal() throws Exception {
    CachingDataSource pooled = postgres();
    String t = p + "_secret";
    exec(admin, "CREATE TABLE " + t + " (v text)", "INSERT INTO " + t + " VALUES ('secret')");
    cleanup.add("DROP TABLE " + t);
    String q = "SELECT v FROM " + t;
    try (Connection c = pooled.getConnection()) {
      assertThat(one(c, q)).isEqualTo("secret");
      exec(c, "SET ROLE layercache_limited");
      assertThatThrownBy(() -> rows(c, q)).hasMessageContaining("permission denied");
      exec(c, "RESET ROLE");
      assertThat(one(c, q)).isEqualTo("secret");
    }
    org.postgresql.ds.PGSimpleDataSource driver = new org.postgresql.ds.PGSimpleDataSource();
    driver.setURL(TestServers.postgresUrl());
    CachingDataSource direct = CachingDataSource.wrap(driver, cache);
    try (Connection owner = direct.getConnection();
        Connection limited = direct.getConnection("layercache_limited", "limited")) {
      assertThat(one(owner, q)).isEqualTo("secret");
      assertThatThrownBy(() -> rows(limited, q)).hasMessageContaining("permission denied");
    }
  }

  @Test
  void searchPath_setResetLocalConfigDiscardAndBatch_eachGetItsOwnAnswer() throws Exception {
    CachingDataSource ds = postgres();
    String s1 = p + "_s1";
    String s2 = p + "_s2";
    exec(
        admin,
        "CREATE SCHEMA " + s1,
        "CREATE SCHEMA " + s2,
        "CREATE TABLE " + s1 + ".t (v text)",
        "CREATE TABLE " + s2 + ".t (v text)",
        "CREATE TABLE public." + p + "_t (v text)",
        "INSERT INTO " + s1 + ".t VALUES ('s1')",
        "INSERT INTO " + s2 + ".t VALUES ('s2')",
        "INSERT INTO public." + p + "_t VALUES ('public')");
    cleanup.add("DROP SCHEMA " + s1 + " CASCADE");
    cleanup.add("DROP SCHEMA " + s2 + " CASCADE");
    cleanup.add("DROP TABLE public." + p + "_t");
    try (Connection c = ds.getConnection()) {
      exec(c, "SET search_path = " + s1);
      assertThat(one(c, "SELECT v FROM t")).isEqualTo("s1");
      exec(c, "SET search_path = " + s2);
      assertThat(one(c, "SELECT v FROM t")).isEqualTo("s2");
      exec(c, "SELECT set_config('search_path', '" + s1 + "', false)");
      assertThat(one(c, "SELECT v FROM t")).isEqualTo("s1");

      c.setAutoCommit(false);
      exec(c, "SET LOCAL search_path = " + s2);
      assertThat(one(c, "SELECT v FROM t")).isEqualTo("s2");
      c.commit();
      c.setAutoCommit(true);
      assertThat(one(c, "SELECT v FROM t"))
          .as("SET LOCAL ended with the transaction")
          .isEqualTo("s1");

      try (Statement s = c.createStatement()) {
        s.addBatch("SET search_path = " + s2);
        s.addBatch("INSERT INTO " + s2 + ".t VALUES ('s2b')");
        s.executeBatch();
      }
      assertThat(rows(c, "SELECT v FROM t ORDER BY v")).containsExactly("s2", "s2b");

      exec(c, "DISCARD ALL");
      assertThat(one(c, "SELECT v FROM " + p + "_t")).isEqualTo("public");

      // An unqualified name found in a later schema of the path: a write to that table, named
      // with its schema, invalidates the read.
      exec(c, "SET search_path = " + s1 + ", public");
      assertThat(one(c, "SELECT v FROM " + p + "_t")).isEqualTo("public");
      exec(c, "UPDATE public." + p + "_t SET v = 'public2'");
      assertThat(one(c, "SELECT v FROM " + p + "_t")).isEqualTo("public2");
    }
  }

  @Test
  void timeZone_changesTheAnswer() throws Exception {
    CachingDataSource ds = postgres();
    String q = "SELECT (TIMESTAMPTZ '2024-01-01 00:00:00+00')::text";
    try (Connection c = ds.getConnection()) {
      exec(c, "SET TIME ZONE 'UTC'");
      assertThat(one(c, q)).isEqualTo("2024-01-01 00:00:00+00");
      exec(c, "SET TIME ZONE 'Asia/Tokyo'");
      assertThat(one(c, q)).isEqualTo("2024-01-01 09:00:00+09");
    }
  }

  @Test
  void temporaryTables_ofTwoSessions_areNeverShared() throws Exception {
    CachingDataSource ds = postgres();
    String t = p + "_tmp";
    try (Connection a = ds.getConnection();
        Connection b = ds.getConnection()) {
      exec(a, "CREATE TEMP TABLE " + t + " (v text)", "INSERT INTO " + t + " VALUES ('a')");
      exec(b, "CREATE TEMP TABLE " + t + " (v text)", "INSERT INTO " + t + " VALUES ('b')");
      assertThat(one(a, "SELECT v FROM " + t)).isEqualTo("a");
      assertThat(one(b, "SELECT v FROM " + t)).isEqualTo("b");
      exec(a, "DROP TABLE " + t);
      exec(b, "DROP TABLE " + t);
    }
  }

  @Test
  void twoDatabasesWithTheSameTables_behindOneCache_areNeverMixed() throws Exception {
    String url1 = TestServers.postgresUrl();
    String url2 = url1.replace("/layercache_test?", "/layercache_test2?");
    assertThat(url2).isNotEqualTo(url1);
    HikariDataSource one = pool(url1);
    HikariDataSource two = pool(url2);
    String t = p + "_twin";
    for (HikariDataSource db : List.of(one, two)) {
      exec(db, "CREATE TABLE " + t + " (v text)");
    }
    exec(one, "INSERT INTO " + t + " VALUES ('one')");
    exec(two, "INSERT INTO " + t + " VALUES ('two')");
    try {
      CachingDataSource ds1 = CachingDataSource.wrap(one, cache);
      CachingDataSource ds2 = CachingDataSource.wrap(two, cache);
      try (Connection c1 = ds1.getConnection();
          Connection c2 = ds2.getConnection()) {
        assertThat(one(c1, "SELECT v FROM " + t)).isEqualTo("one");
        assertThat(one(c2, "SELECT v FROM " + t)).isEqualTo("two");
      }
    } finally {
      exec(one, "DROP TABLE " + t);
      exec(two, "DROP TABLE " + t);
    }
  }

  // ------------------------------------------------------------------ MariaDB

  @Test
  void mariadb_sqlModeTimeZoneAndUserVariables_changeTheAnswer() throws Exception {
    CachingDataSource ds = mariadb();
    try (Connection c = ds.getConnection()) {
      exec(c, "SET SESSION sql_mode = 'PIPES_AS_CONCAT'");
      assertThat(one(c, "SELECT 'a' || 'b'")).isEqualTo("ab");
      exec(c, "SET SESSION sql_mode = ''");
      assertThat(one(c, "SELECT 'a' || 'b'")).isEqualTo("0");

      exec(c, "SET time_zone = '+00:00'");
      assertThat(one(c, "SELECT FROM_UNIXTIME(0)")).startsWith("1970-01-01 00:00:00");
      exec(c, "SET time_zone = '+09:00'");
      assertThat(one(c, "SELECT FROM_UNIXTIME(0)")).startsWith("1970-01-01 09:00:00");

      exec(c, "SET @x = 1");
      assertThat(one(c, "SELECT @x")).isEqualTo("1");
      exec(c, "SET @x = 2");
      assertThat(one(c, "SELECT @x")).isEqualTo("2");
    }
  }

  @Test
  void mariadb_useOtherDatabaseAndTemporaryTables_getTheirOwnRows() throws Exception {
    CachingDataSource ds = mariadb();
    String t = p + "_twin";
    exec(
        admin,
        "CREATE TABLE layercache_test." + t + " (v VARCHAR(10))",
        "CREATE TABLE layercache_test2." + t + " (v VARCHAR(10))",
        "INSERT INTO layercache_test." + t + " VALUES ('one')",
        "INSERT INTO layercache_test2." + t + " VALUES ('two')");
    cleanup.add("DROP TABLE layercache_test." + t);
    cleanup.add("DROP TABLE layercache_test2." + t);
    try (Connection a = ds.getConnection();
        Connection b = ds.getConnection()) {
      assertThat(one(a, "SELECT v FROM " + t)).isEqualTo("one");
      exec(a, "USE layercache_test2");
      assertThat(one(a, "SELECT v FROM " + t)).isEqualTo("two");
      exec(a, "USE layercache_test");

      // A temporary table shadows the real one, in its own session only.
      exec(b, "CREATE TEMPORARY TABLE " + t + " (v VARCHAR(10))");
      exec(b, "INSERT INTO " + t + " VALUES ('temp')");
      assertThat(one(b, "SELECT v FROM " + t)).isEqualTo("temp");
      assertThat(one(a, "SELECT v FROM " + t)).isEqualTo("one");
      assertThat(one(b, "SELECT v FROM " + t)).isEqualTo("temp");
      exec(b, "DROP TEMPORARY TABLE " + t);
    }
  }

  @Test
  void mariadb_aUserWithoutThePrivilege_getsTheDatabasesRefusal() throws Exception {
    mariadb();
    String open = p + "_open";
    String secret = p + "_secret";
    exec(
        admin,
        "CREATE TABLE " + open + " (v VARCHAR(10))",
        "CREATE TABLE " + secret + " (v VARCHAR(10))",
        "INSERT INTO " + secret + " VALUES ('secret')",
        "GRANT SELECT ON layercache_test." + open + " TO 'layercache_limited'@'127.0.0.1'");
    cleanup.add("DROP TABLE " + open);
    cleanup.add("DROP TABLE " + secret);
    org.mariadb.jdbc.MariaDbDataSource driver =
        new org.mariadb.jdbc.MariaDbDataSource(TestServers.mariadbUrl());
    CachingDataSource direct = CachingDataSource.wrap(driver, cache);
    String q = "SELECT v FROM " + secret;
    try (Connection owner = direct.getConnection();
        Connection limited = direct.getConnection("layercache_limited", "limited")) {
      assertThat(one(owner, q)).isEqualTo("secret");
      assertThatThrownBy(() -> rows(limited, q)).hasMessageContaining("denied");
    }
  }

  // ------------------------------------------------------------------ H2

  @Test
  void h2_twoInMemoryDatabasesWithTheSameTables_areNeverMixed() throws Exception {
    org.h2.jdbcx.JdbcDataSource one = TestCaches.h2("one");
    org.h2.jdbcx.JdbcDataSource two = TestCaches.h2("two");
    Connection keepOne = one.getConnection();
    Connection keepTwo = two.getConnection();
    closing.add(keepOne);
    closing.add(keepTwo);
    exec(keepOne, "CREATE TABLE twin (v VARCHAR(10))", "INSERT INTO twin VALUES ('one')");
    exec(keepTwo, "CREATE TABLE twin (v VARCHAR(10))", "INSERT INTO twin VALUES ('two')");
    CachingDataSource ds1 = CachingDataSource.wrap(one, cache);
    CachingDataSource ds2 = CachingDataSource.wrap(two, cache);
    try (Connection c1 = ds1.getConnection();
        Connection c2 = ds2.getConnection()) {
      assertThat(one(c1, "SELECT v FROM twin")).isEqualTo("one");
      assertThat(one(c2, "SELECT v FROM twin")).isEqualTo("two");
    }
  }
}
