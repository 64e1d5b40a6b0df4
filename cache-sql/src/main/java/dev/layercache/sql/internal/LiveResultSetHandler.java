package dev.layercache.sql.internal;

import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A driver's result set passed through, except that its statement is the wrapper and that row
 * changes made through an updatable result set invalidate the tables it reads.
 */
final class LiveResultSetHandler extends DelegatingHandler {
  private final StatementHandler statement;
  private final @Nullable SqlAnalysis analysis;

  LiveResultSetHandler(ResultSet rs, StatementHandler statement, @Nullable SqlAnalysis analysis) {
    super(rs);
    this.statement = statement;
    this.analysis = analysis;
  }

  @Override
  @Nullable Object intercept(String name, Method method, @Nullable Object[] args) throws Throwable {
    switch (name) {
      case "getStatement":
        return statement.self();
      case "updateRow":
      case "insertRow":
      case "deleteRow":
        return statement.conn.caching.write(
            statement.conn,
            analysis == null ? null : List.of(analysis),
            () -> passSql(method, args));
      default:
        return PASS;
    }
  }
}
