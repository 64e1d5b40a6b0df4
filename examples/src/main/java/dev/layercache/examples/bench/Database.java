package dev.layercache.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.examples.blog.SqlDialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The benchmark's database: a connection pool, its dialect and a name for reports. */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final SqlDialect dialect;
  private final String description;

  private Database(HikariDataSource pool, SqlDialect dialect, String description) {
    this.pool = pool;
    this.dialect = dialect;
    this.description = description;
  }

  /**
   * Opens a pool and checks that the database answers.
   *
   * @param url the JDBC URL
   * @param user the user, or empty
   * @param password the password, or empty
   * @param poolSize the largest number of connections
   * @return the database
   * @throws BenchUnavailableException if it does not answer
   */
  public static Database open(String url, String user, String password, int poolSize) {
    SqlDialect dialect = SqlDialect.fromUrl(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (!user.isEmpty()) {
      config.setUsername(user);
    }
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(Math.min(poolSize, 8));
    config.setPoolName("blog");
    config.setConnectionTimeout(10_000);
    // Fail at once with the driver's message instead of retrying for the connection timeout.
    config.setInitializationFailTimeout(1);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new BenchUnavailableException(
          "database " + redacted(url) + " is not reachable: " + rootMessage(e));
    }
    try (Connection c = pool.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String description = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
      if (dialect == SqlDialect.H2 && url.startsWith("jdbc:h2:mem:")) {
        description += " (embedded, in memory)";
      }
      return new Database(pool, dialect, description);
    } catch (SQLException e) {
      pool.close();
      throw new BenchUnavailableException(
          "database " + redacted(url) + " is not reachable: " + rootMessage(e));
    }
  }

  /**
   * The connection pool.
   *
   * @return the pool
   */
  public DataSource pool() {
    return pool;
  }

  /**
   * The SQL dialect.
   *
   * @return the dialect
   */
  public SqlDialect dialect() {
    return dialect;
  }

  /**
   * The product and version, for reports.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * A URL without its password parameter, safe to print.
   *
   * @param url a JDBC URL
   * @return the URL with any password replaced
   */
  static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("//[^/@]*:[^/@]*@", "//***@");
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    String line = m == null ? t.getClass().getSimpleName() : m.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl);
  }
}
