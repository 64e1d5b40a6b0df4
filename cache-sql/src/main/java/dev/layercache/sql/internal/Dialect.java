package dev.layercache.sql.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The databases whose session state and catalogs the wrapper knows how to read. Others are {@link
 * #OTHER}: their session context is the connection's user, catalog and schema only.
 */
enum Dialect {
  POSTGRESQL(
      // Everything a session can set that can change an answer: user and role, database, the
      // effective search path, every setting (transaction-scoped ones aside), temporary tables.
      "SELECT 'a' AS k, 'user' AS n, current_user::text AS v"
          + " UNION ALL SELECT 'a', 'session_user', session_user::text"
          + " UNION ALL SELECT 'a', 'database', current_database()::text"
          + " UNION ALL SELECT 'path', lpad(p.i::text, 4, '0'), p.s::text"
          + " FROM unnest(current_schemas(true)) WITH ORDINALITY AS p(s, i)"
          + " UNION ALL SELECT 'temp', c.relname::text, ''"
          + " FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema()"
          + " UNION ALL SELECT 'set', name, setting FROM pg_settings"
          + " WHERE name NOT IN"
          + " ('transaction_isolation', 'transaction_read_only', 'transaction_deferrable')"),
  MYSQL(
      // Session variables that change by themselves (the statement clock, random seeds, counters)
      // are left out; user variables are not listed here: a query that reads one is not cached.
      "SELECT 'a' AS k, 'user' AS n, CURRENT_USER() AS v"
          + " UNION ALL SELECT 'a', 'role', CURRENT_ROLE()"
          + " UNION ALL SELECT 'a', 'database', DATABASE()"
          + " UNION ALL SELECT 'set', VARIABLE_NAME, VARIABLE_VALUE"
          + " FROM information_schema.SESSION_VARIABLES WHERE VARIABLE_NAME NOT IN"
          + " ('TIMESTAMP', 'RAND_SEED1', 'RAND_SEED2', 'PSEUDO_THREAD_ID', 'LAST_INSERT_ID',"
          + " 'INSERT_ID', 'IDENTITY', 'WARNING_COUNT', 'ERROR_COUNT', 'LAST_GTID',"
          + " 'GTID_SEQ_NO', 'IN_TRANSACTION', 'TRANSACTION_ISOLATION', 'TX_ISOLATION',"
          + " 'TRANSACTION_READ_ONLY', 'TX_READ_ONLY')"),
  H2(
      "SELECT 'a' AS k, 'user' AS n, CURRENT_USER AS v"
          + " UNION ALL SELECT 'set', SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
          + " UNION ALL SELECT 'temp', TABLE_NAME, TABLE_SCHEMA FROM INFORMATION_SCHEMA.TABLES"
          + " WHERE TABLE_TYPE LIKE '%TEMPORARY'"),
  OTHER(null);

  private final @Nullable String sessionQuery;

  Dialect(@Nullable String sessionQuery) {
    this.sessionQuery = sessionQuery;
  }

  static Dialect of(String productName) {
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return POSTGRESQL;
    }
    if (p.contains("mariadb") || p.contains("mysql")) {
      return MYSQL;
    }
    if (p.equals("h2")) {
      return H2;
    }
    return OTHER;
  }

  /**
   * A query whose rows (kind, name, value) are the session state that can change an answer, in a
   * stable order; null where the database offers none.
   *
   * @param customSettings names of custom settings ({@code app.tenant}) to read too, where the
   *     database does not list them (PostgreSQL's placeholders are not in {@code pg_settings});
   *     each a validated name of letters, digits, {@code _}, {@code $} and dots
   */
  @Nullable String sessionQuery(java.util.Collection<String> customSettings) {
    if (sessionQuery == null) {
      return null;
    }
    StringBuilder q = new StringBuilder(sessionQuery);
    if (this == POSTGRESQL && !customSettings.isEmpty()) {
      q.append(" UNION ALL SELECT 'custom', n, current_setting(n, true) FROM unnest(ARRAY[");
      String sep = "";
      for (String n : customSettings) {
        q.append(sep).append('\'').append(n).append('\'');
        sep = ", ";
      }
      q.append("]::text[]) AS n");
    }
    return q.append(" ORDER BY 1, 2").toString();
  }

  /** Whether a custom setting's name can be read back safely (and quoted as a literal). */
  static boolean isSettingName(String name) {
    return name.matches("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)+");
  }

  /** Whether DDL and BEGIN commit an open transaction. */
  boolean implicitCommits() {
    return this == MYSQL;
  }
}
