package dev.layercache.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.testkit.TestServers;
import java.util.UUID;

/** The databases integration tests run against, each behind a HikariCP pool. */
enum Databases {
  H2,
  POSTGRESQL,
  MARIADB;

  HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    switch (this) {
      case H2:
        config.setJdbcUrl("jdbc:h2:mem:it" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        break;
      case POSTGRESQL:
        config.setJdbcUrl(TestServers.postgresUrl());
        break;
      default:
        config.setJdbcUrl(TestServers.mariadbUrl());
        break;
    }
    config.setMaximumPoolSize(8);
    config.setPoolName("it-" + name().toLowerCase());
    return new HikariDataSource(config);
  }
}
