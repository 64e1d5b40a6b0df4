package dev.layercache.sql;

import dev.layercache.CacheConfigurationException;
import dev.layercache.LayerCache;
import dev.layercache.sql.internal.QueryCaching;
import dev.layercache.sql.internal.QueryCaching.InvalidationTiming;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} that caches query results in a {@link LayerCache}. Applications using plain
 * JDBC, a pool or a data-access library on top of JDBC work unchanged.
 *
 * <pre>{@code
 * DataSource ds = CachingDataSource.wrap(hikariDataSource, layerCache);
 * }</pre>
 *
 * <p><b>Reads.</b> A {@code SELECT} run through a {@code Statement} or {@code PreparedStatement} is
 * cached under a key made of the session that asks, the SQL, every bound parameter with its exact
 * Java type, and the result-set type, concurrency, holdability, max rows and max field size. The
 * session is the database server's identity, the user and current role, and every setting that can
 * change an answer (PostgreSQL {@code pg_settings} and the custom settings the wrapper learns,
 * MariaDB session variables, H2 settings); it is read again, in one round trip, after any statement
 * through the wrapper that may have changed it ({@code SET}, {@code RESET}, {@code DISCARD}, {@code
 * SET ROLE}, {@code USE}, DDL, procedures). Its entry is tagged {@code table:<schema>.<table>} for
 * every table it reads, for every view the base tables the catalog names, and {@value
 * QueryCaching#EPOCH_TAG}. Not cached, and answered by the database as usual: queries calling a
 * function the catalog does not know as immutable or stable (built-ins that read the clock, locks,
 * sequences; user functions that are not immutable), clock literals such as {@code 'now'}, user
 * variables, locking reads ({@code FOR UPDATE}), updatable queries, reads of temporary tables and
 * of tables under row-level security (unless the policy names them), SQL the parser cannot read,
 * and results over the policy's limits. A query calling a user function that may write runs as a
 * write the wrapper cannot read. DEBUG logging on {@code dev.layercache.sql} says once per
 * connection why a statement was not cached.
 *
 * <p><b>Writes.</b> {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}, upserts, {@code
 * TRUNCATE} and batches invalidate the tables they write, and the tables their cascading foreign
 * keys write (read from the catalogs); a write of a table with triggers invalidates every query
 * result. Invalidation happens before and after the statement in auto-commit mode; in a transaction
 * when a table is first written and again at commit or rollback, whether ended through JDBC or by
 * SQL. While a transaction has written a table, its reads of that table (and of views over it)
 * bypass the cache, so nothing uncommitted reaches another connection. DDL, {@code CALL}, callable
 * statements and unreadable SQL invalidate every query result and make the catalogs be read again.
 * A transaction at {@code REPEATABLE READ} or stricter neither fills nor (by default) reads the
 * cache. Writes that do not go through this data source (other services, jobs) must be announced
 * with {@link #invalidateTables(String...)}.
 *
 * <p>{@code unwrap} reaches the driver's objects; statements run on an unwrapped connection bypass
 * the cache and its invalidation.
 *
 * <p>Thread-safe. Connections, statements and result sets are as thread-safe as the driver's.
 */
public final class CachingDataSource implements DataSource {
  private final DataSource delegate;
  private final LayerCache cache;
  private final QueryCachePolicy policy;
  private final QueryCaching caching;

  private CachingDataSource(
      DataSource delegate, LayerCache cache, QueryCachePolicy policy, InvalidationTiming timing) {
    this.delegate = delegate;
    this.cache = cache;
    this.policy = policy;
    this.caching = new QueryCaching(delegate, cache, policy, timing);
  }

  /**
   * Wraps a data source with the default policy: every table, 10 minutes.
   *
   * @param dataSource the real data source, such as a connection pool
   * @param cache where results are cached
   * @return the caching data source
   * @throws CacheConfigurationException if an argument is null
   */
  public static CachingDataSource wrap(DataSource dataSource, LayerCache cache) {
    return wrap(dataSource, cache, QueryCachePolicy.defaults());
  }

  /**
   * Wraps a data source.
   *
   * @param dataSource the real data source, such as a connection pool
   * @param cache where results are cached
   * @param policy what is cached and for how long
   * @return the caching data source
   * @throws CacheConfigurationException if an argument is null
   */
  public static CachingDataSource wrap(
      DataSource dataSource, LayerCache cache, QueryCachePolicy policy) {
    return create(dataSource, cache, policy, InvalidationTiming.FULL);
  }

  // Tests only: the unsafe timings show that the race tests can fail.
  static CachingDataSource create(
      @Nullable DataSource dataSource,
      @Nullable LayerCache cache,
      @Nullable QueryCachePolicy policy,
      InvalidationTiming timing) {
    if (dataSource == null || cache == null || policy == null) {
      throw new CacheConfigurationException(
          "dataSource, cache and policy are required, got "
              + dataSource
              + ", "
              + cache
              + ", "
              + policy);
    }
    if (dataSource instanceof CachingDataSource) {
      throw new CacheConfigurationException("the data source is already a CachingDataSource");
    }
    return new CachingDataSource(dataSource, cache, policy, timing);
  }

  /**
   * The cache results are stored in.
   *
   * @return the cache
   */
  public LayerCache cache() {
    return cache;
  }

  /**
   * The policy in force.
   *
   * @return the policy
   */
  public QueryCachePolicy policy() {
    return policy;
  }

  /**
   * Invalidates every cached result that reads one of these tables, for writes that did not go
   * through this data source (another service, a trigger, a batch job).
   *
   * @param tables names as in SQL, optionally schema-qualified; unqualified names resolve to the
   *     default schema of a new connection
   * @throws SQLException if a connection is needed to learn the identifier rules and fails
   */
  public void invalidateTables(String... tables) throws SQLException {
    caching.invalidateTables(tables);
  }

  /** Invalidates every cached query result of this data source (after a migration, say). */
  public void invalidateAll() {
    caching.invalidateAll();
  }

  /**
   * Returns a caching connection over one of the real data source's connections.
   *
   * @return the connection; closing it closes (or returns to its pool) the real one
   * @throws SQLException if the real data source fails
   */
  @Override
  public Connection getConnection() throws SQLException {
    return wrapConnection(delegate.getConnection());
  }

  /**
   * Returns a caching connection for a user.
   *
   * @param username the user
   * @param password the password
   * @return the connection
   * @throws SQLException if the real data source fails
   */
  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrapConnection(delegate.getConnection(username, password));
  }

  private Connection wrapConnection(Connection c) throws SQLException {
    try {
      return caching.wrap(c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  @Override
  public @Nullable PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(@Nullable PrintWriter out) throws SQLException {
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

  /**
   * Returns this data source or an object the real one wraps.
   *
   * @param iface the interface
   * @return the object
   * @throws SQLException if neither implements it
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    if (iface.isInstance(delegate)) {
      return iface.cast(delegate);
    }
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "CachingDataSource[" + delegate + ", " + policy + "]";
  }
}
