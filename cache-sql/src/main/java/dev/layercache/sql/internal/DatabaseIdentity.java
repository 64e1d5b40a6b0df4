package dev.layercache.sql.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which database server a data source reaches, as the server tells it, so that two databases whose
 * tables have the same names never share entries in one cache, while every application server
 * connected to the same database derives the same identity (and shares them).
 */
final class DatabaseIdentity {
  // An in-memory H2 database exists only in this JVM: never shared with another process.
  private static final String JVM = UUID.randomUUID().toString();

  private DatabaseIdentity() {}

  static byte[] of(Connection c, Dialect dialect) throws SQLException {
    String server;
    switch (dialect) {
      case POSTGRESQL:
        // The cluster's system identifier, unique per initdb; the database name is part of the
        // session state. Without the right to read it (a restricted role), the server's address.
        server = ask(c, "SELECT 'pg:' || system_identifier::text FROM pg_control_system()", true);
        if (server == null) {
          server =
              ask(
                  c,
                  "SELECT 'pg-addr:' || coalesce(inet_server_addr()::text, 'socket') || ':'"
                      + " || coalesce(inet_server_port()::text, '')",
                  false);
        }
        break;
      case MYSQL:
        server = ask(c, "SELECT CONCAT_WS(':', 'my', @@hostname, @@port, @@datadir)", false);
        break;
      default:
        server = null;
        break;
    }
    if (server == null) {
      String url = c.getMetaData().getURL();
      server = "url:" + url;
      if (dialect == Dialect.H2 && url != null && url.startsWith("jdbc:h2:mem:")) {
        server += ':' + JVM;
      }
    }
    return server.getBytes(StandardCharsets.UTF_8);
  }

  /** One value, or null if it cannot be read; a query that may fail runs only in auto-commit. */
  private static @Nullable String ask(Connection c, String sql, boolean mayFail)
      throws SQLException {
    if (mayFail && !c.getAutoCommit()) {
      return null; // a failure would abort the caller's transaction (PostgreSQL)
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      if (!mayFail) {
        throw e;
      }
      return null;
    }
  }
}
