package dev.layercache.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import dev.layercache.ObjectCaching;
import dev.layercache.annotation.Cached;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Automatic dependencies: an annotated assembler with no tags at all is invalidated by a write
 * through the wrapper to any table its queries read, and only by those.
 */
class ObjectDependencyIT {

  public record Friend(long id, String name) {}

  public record Profile(long id, String name, List<Friend> friends) {}

  public interface ProfileAssembler {
    @Cached(name = "profile")
    Profile profile(long id) throws SQLException;
  }

  static final class JdbcAssembler implements ProfileAssembler {
    final DataSource ds;
    final String p;
    final AtomicInteger assemblies = new AtomicInteger();

    JdbcAssembler(DataSource ds, String prefix) {
      this.ds = ds;
      this.p = prefix;
    }

    @Override
    public Profile profile(long id) throws SQLException {
      assemblies.incrementAndGet();
      try (Connection c = ds.getConnection()) {
        String name;
        try (PreparedStatement ps =
            c.prepareStatement("SELECT name FROM " + p + "users WHERE id = ?")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            name = rs.getString(1);
          }
        }
        List<Friend> friends = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT u.id, u.name FROM "
                    + p
                    + "friends f JOIN "
                    + p
                    + "users u ON u.id = f.friend_id WHERE f.user_id = ? ORDER BY u.id")) {
          ps.setLong(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              friends.add(new Friend(rs.getLong(1), rs.getString(2)));
            }
          }
        }
        return new Profile(id, name, friends);
      }
    }
  }

  private static void exec(DataSource ds, String... sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Databases.class,
      names = {"H2", "POSTGRESQL"})
  void writeToAnyTableTheAssemblerRead_evictsIt_otherTablesDoNot(Databases db) throws Exception {
    // Unique per run: other builds on the machine may use the same database at the same time.
    String p = "od" + UUID.randomUUID().toString().substring(0, 8) + "_";
    try (HikariDataSource raw = db.pool();
        LayerCache cache = TestCaches.encoded()) {
      exec(
          raw,
          "CREATE TABLE " + p + "users (id BIGINT PRIMARY KEY, name VARCHAR(40))",
          "CREATE TABLE " + p + "friends (user_id BIGINT, friend_id BIGINT)",
          "CREATE TABLE " + p + "articles (id BIGINT PRIMARY KEY, title VARCHAR(40))",
          "INSERT INTO " + p + "users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')",
          "INSERT INTO " + p + "friends VALUES (1, 2)");
      try {
        DataSource ds = CachingDataSource.wrap(raw, cache);
        JdbcAssembler target = new JdbcAssembler(ds, p);
        ProfileAssembler profiles = ObjectCaching.proxy(ProfileAssembler.class, target, cache);

        assertThat(profiles.profile(1).friends()).extracting(Friend::name).containsExactly("bob");
        profiles.profile(1);
        assertThat(target.assemblies).hasValue(1);

        exec(ds, "INSERT INTO " + p + "articles VALUES (1, 'unrelated')");
        profiles.profile(1);
        assertThat(target.assemblies).as("a table it did not read").hasValue(1);

        exec(ds, "INSERT INTO " + p + "friends VALUES (1, 3)");
        assertThat(profiles.profile(1).friends())
            .as("a write to a table it read, with no annotation")
            .extracting(Friend::name)
            .containsExactly("bob", "cy");
        assertThat(target.assemblies).hasValue(2);

        exec(ds, "UPDATE " + p + "users SET name = 'bobby' WHERE id = 2");
        assertThat(profiles.profile(1).friends()).extracting(Friend::name).contains("bobby");

        // An assembly that reads its own transaction's uncommitted rows is not cached.
        try (Connection c = ds.getConnection()) {
          c.setAutoCommit(false);
          try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + p + "friends VALUES (1, 1)");
          }
          JdbcAssembler inTx = new JdbcAssembler(singleConnection(c), p);
          ProfileAssembler txProfiles = ObjectCaching.proxy(ProfileAssembler.class, inTx, cache);
          cache.evict(dev.layercache.CacheKey.of("profile", 1L));
          assertThat(txProfiles.profile(1).friends()).as("read your writes").hasSize(3);
          // Before the rollback, another connection must not get the uncommitted friend from
          // the cache.
          assertThat(profiles.profile(1).friends())
              .as("nothing uncommitted leaks through the cache")
              .hasSize(2);
          c.rollback();
        }
        assertThat(profiles.profile(1).friends()).hasSize(2);
      } finally {
        exec(
            raw,
            "DROP TABLE " + p + "users",
            "DROP TABLE " + p + "friends",
            "DROP TABLE " + p + "articles");
      }
    }
  }

  /** Hands out one connection without closing it, so an assembler runs inside a transaction. */
  static DataSource singleConnection(Connection connection) {
    Connection unclosable =
        (Connection)
            java.lang.reflect.Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("close")) {
                    return null;
                  }
                  try {
                    return method.invoke(connection, args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return (DataSource)
        java.lang.reflect.Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                return unclosable;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
