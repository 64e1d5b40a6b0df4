package dev.layercache.sql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts the wrapper reads from the database's own catalogs, once when the data source first
 * connects and again after DDL through the wrapper: which tables have row-level security.
 * Immutable; {@link QueryCaching} swaps in a new one when the catalog may have changed.
 */
final class DatabaseCatalog {
  /** A catalog that knows nothing, for databases whose catalogs the wrapper does not read. */
  static final DatabaseCatalog EMPTY = new DatabaseCatalog(Set.of(), Set.of());

  private static final Pattern CURRENT_SETTING =
      Pattern.compile("(?i)current_setting\\s*\\(\\s*'([^']+)'");

  private final Set<String> rowSecurity;
  private final Set<String> settingsInPolicies;

  private DatabaseCatalog(Set<String> rowSecurity, Set<String> settingsInPolicies) {
    this.rowSecurity = Set.copyOf(rowSecurity);
    this.settingsInPolicies = Set.copyOf(settingsInPolicies);
  }

  /**
   * Reads the catalog through a connection of the real data source.
   *
   * @param c a connection, used for catalog queries only
   * @param dialect which catalogs exist
   * @return the facts
   * @throws SQLException if a catalog query fails
   */
  static DatabaseCatalog read(Connection c, Dialect dialect) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return EMPTY;
    }
    Set<String> rls = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relrowsecurity")) {
      while (rs.next()) {
        rls.add("table:" + rs.getString(1) + '.' + rs.getString(2));
      }
    }
    // Settings that row-level-security policies read: part of every session's state, so that a
    // table the policy allows to be cached is keyed by them.
    Set<String> settings = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT coalesce(pg_get_expr(polqual, polrelid), '') || ' '"
                    + " || coalesce(pg_get_expr(polwithcheck, polrelid), '') FROM pg_policy")) {
      while (rs.next()) {
        Matcher m = CURRENT_SETTING.matcher(rs.getString(1));
        while (m.find()) {
          settings.add(m.group(1));
        }
      }
    }
    return new DatabaseCatalog(rls, settings);
  }

  /** Names of the custom settings that row-level-security policies read. */
  Set<String> settingsInPolicies() {
    return settingsInPolicies;
  }

  /** Whether a table (by its tag) has row-level security enabled. */
  boolean hasRowSecurity(String tableTag) {
    return !rowSecurity.isEmpty() && rowSecurity.contains(tableTag);
  }
}
