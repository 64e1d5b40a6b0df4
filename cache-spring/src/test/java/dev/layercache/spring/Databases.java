package dev.layercache.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.testkit.TestServers;
import java.util.UUID;

/** The databases the transactional tests run against, each behind a HikariCP pool. */
enum Databases {
  H2,
  POSTGRESQL;

  HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    if (this == H2) {
      config.setJdbcUrl("jdbc:h2:mem:spring" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      config.setUsername("sa");
    } else {
      config.setJdbcUrl(TestServers.postgresUrl());
    }
    config.setMaximumPoolSize(6);
    config.setPoolName("spring-" + name().toLowerCase(java.util.Locale.ROOT));
    return new HikariDataSource(config);
  }
}
