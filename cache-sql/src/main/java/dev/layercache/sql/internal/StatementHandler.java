package dev.layercache.sql.internal;

import dev.layercache.sql.internal.SqlAnalysis.Kind;
import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One wrapped statement (plain, prepared or callable): routes executions through the query cache or
 * the write path, records bound parameters for cache keys, and keeps the current result of an
 * execution the wrapper answered itself. Confined to one thread, like the statement.
 */
final class StatementHandler extends DelegatingHandler {
  final ConnectionHandler conn;
  final Statement statement;
  private final @Nullable String preparedSql;
  private final boolean callable;
  private final BoundParameters params = new BoundParameters();
  private final List<SqlAnalysis> batch = new ArrayList<>();
  private @Nullable ResultSet current;
  private boolean answeredByWrapper; // the current result came from the wrapper, not the driver
  private boolean closeOnCompletion;
  private boolean closed;
  // Fixed when the statement is created (JDBC): asked of the driver once, not per execution.
  private int resultSetType = -1;
  private int resultSetConcurrency = -1;
  private int resultSetHoldability = -1;

  StatementHandler(
      ConnectionHandler conn, Statement statement, @Nullable String preparedSql, boolean callable) {
    super(statement);
    this.conn = conn;
    this.statement = statement;
    this.preparedSql = preparedSql;
    this.callable = callable;
  }

  @Override
  @Nullable Object intercept(String name, Method method, @Nullable Object[] args) throws Throwable {
    int n = args == null ? 0 : args.length;
    switch (name) {
      case "executeQuery":
        return executeQuery(method, args);
      case "execute":
        return execute(method, args);
      case "executeUpdate":
      case "executeLargeUpdate":
        return update(method, args);
      case "addBatch":
        batch.add(conn.caching.analyze(n == 0 ? sql() : (String) args[0]));
        return passSql(method, args);
      case "clearBatch":
        batch.clear();
        return passSql(method, args);
      case "executeBatch":
      case "executeLargeBatch":
        {
          List<SqlAnalysis> analyses = callable ? null : List.copyOf(batch);
          batch.clear();
          closeCurrent();
          return conn.caching.write(conn, analyses, () -> passSql(method, args));
        }
      case "getResultSet":
        return answeredByWrapper ? current : track(wrapLive(method, args));
      case "getUpdateCount":
        return answeredByWrapper ? (Object) (-1) : passSql(method, args);
      case "getLargeUpdateCount":
        return answeredByWrapper ? (Object) (-1L) : passSql(method, args);
      case "getMoreResults":
        if (answeredByWrapper) {
          // A query answered by the wrapper has exactly one result.
          closeCurrent();
          return false;
        }
        current = null;
        return passSql(method, args);
      case "getGeneratedKeys":
        return conn.caching.live(this, null, (ResultSet) passSql(method, args));
      case "getConnection":
        return conn.self();
      case "closeOnCompletion":
        closeOnCompletion = true;
        return passSql(method, args);
      case "clearParameters":
        params.clear();
        return passSql(method, args);
      case "close":
        if (!closed) {
          closed = true;
          closeCurrent();
          conn.forget(this);
        }
        return passSql(method, args);
      default:
        if (n >= 2
            && name.startsWith("set")
            && args[0] instanceof Integer
            && method.getDeclaringClass() != Statement.class) {
          params.record(name, args);
        }
        return PASS;
    }
  }

  int resultSetType() throws SQLException {
    if (resultSetType < 0) {
      resultSetType = statement.getResultSetType();
    }
    return resultSetType;
  }

  int resultSetConcurrency() throws SQLException {
    if (resultSetConcurrency < 0) {
      resultSetConcurrency = statement.getResultSetConcurrency();
    }
    return resultSetConcurrency;
  }

  int resultSetHoldability() throws SQLException {
    if (resultSetHoldability < 0) {
      resultSetHoldability = statement.getResultSetHoldability();
    }
    return resultSetHoldability;
  }

  private String sql() throws SQLException {
    if (preparedSql == null) {
      throw new SQLException("this statement has no SQL of its own");
    }
    return preparedSql;
  }

  private @Nullable ResultSet wrapLive(Method method, @Nullable Object[] args) throws SQLException {
    return conn.caching.live(this, null, (ResultSet) passSql(method, args));
  }

  private @Nullable ResultSet track(@Nullable ResultSet rs) {
    current = rs;
    return rs;
  }

  private boolean prepared(@Nullable Object[] args) {
    return preparedSql != null && (args == null || args.length == 0);
  }

  private @Nullable Object executeQuery(Method method, @Nullable Object[] args)
      throws SQLException {
    closeCurrent();
    boolean prepared = prepared(args);
    SqlAnalysis a = conn.caching.analyze(prepared ? sql() : (String) args[0]);
    if (callable) {
      return track(conn.caching.write(conn, null, () -> wrapLive(method, args)));
    }
    if (a.kind() != Kind.READ) {
      // INSERT ... RETURNING, DELETE ... RETURNING and the like.
      return track(other(a, () -> wrapLive(method, args)));
    }
    ResultSet rs =
        conn.caching.query(
            this, a, prepared ? params : null, () -> (ResultSet) passSql(method, args));
    if (rs == null) {
      throw new SQLException("the query produced no result set", "02000");
    }
    return answer(rs);
  }

  private @Nullable Object execute(Method method, @Nullable Object[] args) throws SQLException {
    closeCurrent();
    boolean prepared = prepared(args);
    SqlAnalysis a = conn.caching.analyze(prepared ? sql() : (String) args[0]);
    if (callable) {
      return conn.caching.write(conn, null, () -> passSql(method, args));
    }
    if (a.kind() != Kind.READ || (args != null && args.length > 1)) {
      // execute(sql, autoGeneratedKeys/columns) is for writes; run it as one.
      return other(a, () -> passSql(method, args));
    }
    ResultSet rs =
        conn.caching.query(
            this,
            a,
            prepared ? params : null,
            () -> (Boolean) passSql(method, args) ? statement.getResultSet() : null);
    if (rs == null) {
      return false;
    }
    answer(rs);
    return true;
  }

  private @Nullable Object update(Method method, @Nullable Object[] args) throws SQLException {
    closeCurrent();
    SqlAnalysis a = conn.caching.analyze(prepared(args) ? sql() : (String) args[0]);
    if (callable) {
      return conn.caching.write(conn, null, () -> passSql(method, args));
    }
    return other(a, () -> passSql(method, args));
  }

  /** Everything but a cacheable read: writes, session and transaction statements. */
  private <T> @Nullable T other(SqlAnalysis a, QueryCaching.SqlCall<T> run) throws SQLException {
    switch (a.kind()) {
      case READ:
      case PASSTHROUGH:
        return run.call();
      case SESSION:
        conn.caching.settingsNamedIn(conn, a.sql());
        try {
          return run.call();
        } finally {
          conn.sessionChanged();
        }
      case BEGIN:
        {
          T r = run.call();
          conn.beginSqlTransaction(a.sql(), conn.caching.implicitCommits());
          return r;
        }
      case SAVEPOINT:
        return run.call(); // the transaction stays open and its tables dirty
      case TRANSACTION_MODE:
        try {
          return run.call();
        } finally {
          conn.transactionModeChanged();
        }
      case END_TRANSACTION:
        try {
          return run.call();
        } finally {
          conn.endTransaction();
        }
      case WRITE:
      default:
        return conn.caching.write(conn, List.of(a), run);
    }
  }

  private ResultSet answer(ResultSet rs) {
    answeredByWrapper = rs instanceof CachedResultSet;
    current = rs;
    return rs;
  }

  /** Called by a cached result set when it closes. */
  void resultClosed() {
    if (closeOnCompletion && !closed) {
      try {
        ((Statement) self()).close();
      } catch (SQLException e) {
        // Closing on completion is best effort, as in the drivers.
      }
    }
  }

  private void closeCurrent() throws SQLException {
    ResultSet rs = current;
    current = null;
    boolean mine = answeredByWrapper;
    answeredByWrapper = false;
    if (rs != null && mine) {
      boolean keep = closeOnCompletion;
      closeOnCompletion = false; // re-executing must not close the statement itself
      try {
        rs.close();
      } finally {
        closeOnCompletion = keep;
      }
    }
  }

  /** Closes what the wrapper answered when the connection closes (the driver closes its own). */
  void closeWrapperState() {
    closed = true;
    try {
      closeCurrent();
    } catch (SQLException e) {
      // a cached result set does not fail to close
    }
  }
}
