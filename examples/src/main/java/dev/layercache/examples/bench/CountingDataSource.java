package dev.layercache.examples.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Counts the statements sent to the database. It sits directly on the connection pool, below any
 * caching wrapper, so a query answered by a cache is not counted. Each {@code execute*} call counts
 * once (a batch counts once). Thread-safe.
 */
public final class CountingDataSource implements DataSource {
  private static final Set<String> EXECUTE =
      Set.of(
          "execute",
          "executeQuery",
          "executeUpdate",
          "executeLargeUpdate",
          "executeBatch",
          "executeLargeBatch");

  private final DataSource delegate;
  private final LongAdder statements = new LongAdder();

  /**
   * Wraps a data source.
   *
   * @param delegate the real data source
   */
  public CountingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /**
   * Statements executed so far.
   *
   * @return the count
   */
  public long statements() {
    return statements.sum();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return connection(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return connection(delegate.getConnection(username, password));
  }

  private Connection connection(Connection c) {
    return proxy(
        Connection.class,
        c,
        (proxy, method, args) -> {
          Object result = invoke(method, c, args);
          if (result instanceof CallableStatement) {
            return statement(CallableStatement.class, (Statement) result);
          }
          if (result instanceof PreparedStatement) {
            return statement(PreparedStatement.class, (Statement) result);
          }
          if (result instanceof Statement) {
            return statement(Statement.class, (Statement) result);
          }
          return result;
        });
  }

  private <S extends Statement> S statement(Class<S> type, Statement s) {
    return proxy(
        type,
        s,
        (proxy, method, args) -> {
          if (EXECUTE.contains(method.getName())) {
            statements.increment();
          }
          return invoke(method, s, args);
        });
  }

  private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            // equals, hashCode and toString of the proxy itself.
            switch (method.getName()) {
              case "equals":
                return proxy == args[0];
              case "hashCode":
                return System.identityHashCode(proxy);
              default:
                return "Counting(" + target + ")";
            }
          }
          return handler.invoke(proxy, method, args);
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : delegate.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || delegate.isWrapperFor(type);
  }
}
