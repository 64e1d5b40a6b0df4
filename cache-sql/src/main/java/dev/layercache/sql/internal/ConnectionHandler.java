package dev.layercache.sql.internal;

import java.lang.reflect.Method;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One wrapped connection: creates wrapped statements and tracks its transaction for the cache.
 * While a transaction has written a table its reads of that table bypass the cache; the tables it
 * wrote are invalidated when it ends, whether by commit, rollback, a switch to auto-commit, or
 * close. Confined to the thread using the connection, like the connection itself.
 */
final class ConnectionHandler extends DelegatingHandler {
  final QueryCaching caching;
  final Connection connection;
  final SessionFacts facts;
  private final Set<String> dirtyTags = new HashSet<>();
  // Tags of dirtyTags this connection locked in the shared cache: released at the end, once each.
  private final Set<String> lockedTags = new LinkedHashSet<>();
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger("dev.layercache.sql");
  private final List<StatementHandler> statements = new ArrayList<>();
  private final Set<String> loggedReasons = new HashSet<>();
  private boolean unknownWrite;
  private boolean sqlTransaction;
  // The SQL that began the transaction chose its isolation: taken to read an old snapshot.
  private boolean sqlSnapshot;
  // SQL changed how transactions begin or end (SET autocommit...): until a JDBC-level end, every
  // statement is taken to run in a transaction and nothing is served or filled.
  private @Nullable String transactionUnknown;
  private boolean sessionChanged;
  private boolean closed;

  ConnectionHandler(QueryCaching caching, Connection connection, SessionFacts facts) {
    super(connection);
    this.caching = caching;
    this.connection = connection;
    this.facts = facts;
  }

  @Override
  @Nullable Object intercept(String name, Method method, @Nullable Object[] args) throws Throwable {
    switch (name) {
      case "createStatement":
        return statement((Statement) pass(method, args), null, Statement.class);
      case "prepareStatement":
        return statement((Statement) pass(method, args), (String) args[0], PreparedStatement.class);
      case "prepareCall":
        return statement((Statement) pass(method, args), (String) args[0], CallableStatement.class);
      case "commit":
      case "rollback":
        if (args != null && args.length == 1) {
          // Rolling back to a savepoint keeps the transaction open: its tables stay dirty.
          return pass(method, args);
        }
        try {
          return pass(method, args);
        } finally {
          endTransaction();
          transactionUnknown = null;
        }
      case "setAutoCommit":
        {
          boolean wasInTransaction = inTransaction();
          try {
            return pass(method, args);
          } finally {
            if (wasInTransaction && (Boolean) args[0]) {
              endTransaction(); // JDBC commits the open transaction here
              transactionUnknown = null;
            }
          }
        }
      case "setTransactionIsolation":
        pass(method, args);
        facts.isolationChanged((Integer) args[0]);
        sessionChanged = true;
        return null;
      case "setSchema":
      case "setCatalog":
        pass(method, args);
        sessionChanged();
        return null;
      case "getMetaData":
        return new MetaDataHandler((DatabaseMetaData) pass(method, args), self())
            .proxy(DatabaseMetaData.class);
      case "close":
      case "abort":
        if (closed) {
          return pass(method, args);
        }
        closed = true;
        try {
          closeStatements();
          return pass(method, args);
        } finally {
          // The transaction's outcome is unknown (a pool may roll it back): invalidate anyway.
          endTransaction();
          transactionUnknown = null;
          if (sessionChanged) {
            facts.forget();
          }
        }
      default:
        return PASS;
    }
  }

  private Object statement(
      Statement created, @Nullable String sql, Class<? extends Statement> type) {
    StatementHandler h = new StatementHandler(this, created, sql, type == CallableStatement.class);
    statements.add(h);
    return h.proxy(type);
  }

  void forget(StatementHandler statement) {
    statements.remove(statement);
  }

  private void closeStatements() {
    for (StatementHandler s : List.copyOf(statements)) {
      s.closeWrapperState();
    }
    statements.clear();
  }

  // ---------------------------------------------------------------- transaction tracking

  /**
   * Whether statements run inside an explicit transaction (or may, as far as the wrapper knows).
   */
  boolean inTransaction() throws SQLException {
    return sqlTransaction || transactionUnknown != null || !connection.getAutoCommit();
  }

  /** Why nothing may be served or filled on this connection now, or null. */
  @Nullable String transactionUnknown() {
    return transactionUnknown;
  }

  /** Whether reads of these tables must bypass the cache (this transaction wrote them). */
  boolean isDirty(Collection<String> tableTags) {
    if (unknownWrite) {
      return true;
    }
    if (dirtyTags.isEmpty()) {
      return false;
    }
    for (String t : tableTags) {
      if (dirtyTags.contains(t)) {
        return true;
      }
    }
    return false;
  }

  /** Records tables written in the open transaction; returns those not written before. */
  Set<String> markDirty(Collection<String> tags, boolean unknown) {
    Set<String> fresh = new LinkedHashSet<>();
    for (String t : tags) {
      if (dirtyTags.add(t)) {
        fresh.add(t);
      }
    }
    if (unknown && !unknownWrite) {
      unknownWrite = true;
      fresh.add(QueryCaching.EPOCH_TAG);
    }
    return fresh;
  }

  /** Records tags locked for the open transaction, to be released at its end. */
  void locked(Collection<String> tags) {
    lockedTags.addAll(tags);
  }

  /** BEGIN or START TRANSACTION as SQL. */
  void beginSqlTransaction(String sql, boolean beginCommitsOpenTransaction) throws SQLException {
    if (beginCommitsOpenTransaction && inTransaction()) {
      commitSeen(); // MySQL and MariaDB commit the open transaction first
    }
    sqlTransaction = true;
    String lower = sql.toLowerCase(java.util.Locale.ROOT);
    sqlSnapshot |= lower.contains("isolation") || lower.contains("snapshot");
  }

  /**
   * Whether the open transaction may read a snapshot older than the current tag versions: its
   * isolation is REPEATABLE READ or stricter, or SQL chose it.
   */
  boolean readsOldSnapshot() throws SQLException {
    return sqlSnapshot || facts.isolation(connection) >= Connection.TRANSACTION_REPEATABLE_READ;
  }

  /**
   * A statement committed what the transaction wrote so far (DDL on MySQL and MariaDB, SET
   * autocommit = 1) while the wrapper may still consider it open: its tables are invalidated now
   * and stay dirty, in case it did not.
   */
  void commitSeen() {
    List<String> tags = new ArrayList<>(dirtyTags);
    if (unknownWrite) {
      tags.add(QueryCaching.EPOCH_TAG);
    }
    // A bump keeps the locks, which are released at the end the wrapper sees.
    caching.invalidateAtEnd(List.of(), tags);
  }

  /** SQL changed how transactions begin or end: see {@link #transactionUnknown()}. */
  void transactionModeChanged() {
    commitSeen();
    facts.forget();
    if (transactionUnknown == null) {
      transactionUnknown = "transaction state set by SQL";
    }
  }

  /** Post-invalidation: the transaction ended, its writes are visible (or undone). */
  void endTransaction() {
    sqlTransaction = false;
    sqlSnapshot = false;
    if (sessionChanged) {
      facts.forget(); // SET LOCAL and set_config(..., true) end with the transaction
    }
    if (dirtyTags.isEmpty() && !unknownWrite) {
      return;
    }
    List<String> unlocked = new ArrayList<>();
    for (String t : dirtyTags) {
      if (!lockedTags.contains(t)) {
        unlocked.add(t);
      }
    }
    if (unknownWrite && !lockedTags.contains(QueryCaching.EPOCH_TAG)) {
      unlocked.add(QueryCaching.EPOCH_TAG);
    }
    List<String> locked = List.copyOf(lockedTags);
    dirtyTags.clear();
    lockedTags.clear();
    unknownWrite = false;
    caching.invalidateAtEnd(locked, unlocked);
  }

  /** A statement may have changed the session: its state is read again before the next read. */
  void sessionChanged() {
    sessionChanged = true;
    facts.forget();
  }

  /** Logs, once per reason and connection, at DEBUG, why a statement was not cached. */
  void notCached(SqlAnalysis a, String reason) {
    if (LOG.isDebugEnabled() && loggedReasons.add(reason)) {
      LOG.debug(
          "not cached on this connection: {} (statement {}; said once per connection)",
          reason,
          a.shortDigest());
    }
  }
}
