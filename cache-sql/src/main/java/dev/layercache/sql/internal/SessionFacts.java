package dev.layercache.sql.internal;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Facts about a physical connection that cost a round trip to ask (current schema and catalog,
 * isolation level), remembered across the borrows of a pooled connection. Forgotten when the
 * application changes them through the wrapper or with SET/USE statements.
 */
final class SessionFacts {
  private volatile boolean schemaKnown;
  private volatile @Nullable String schema;
  private volatile @Nullable String catalog;
  private volatile int isolation = -1;

  void load(Connection c) throws SQLException {
    if (!schemaKnown) {
      String s;
      try {
        s = c.getSchema();
      } catch (SQLException | AbstractMethodError e) {
        s = null;
      }
      catalog = c.getCatalog();
      schema = s;
      schemaKnown = true;
    }
  }

  @Nullable String schema() {
    return schema;
  }

  @Nullable String catalog() {
    return catalog;
  }

  /**
   * The schema unqualified names resolve to: the schema, or the catalog where schemas are
   * databases.
   */
  @Nullable String defaultSchema() {
    return schema != null ? schema : catalog;
  }

  int isolation(Connection c) throws SQLException {
    int i = isolation;
    if (i < 0) {
      i = c.getTransactionIsolation();
      isolation = i;
    }
    return i;
  }

  void isolationChanged(int level) {
    isolation = level;
  }

  void forget() {
    schemaKnown = false;
    isolation = -1;
  }
}
