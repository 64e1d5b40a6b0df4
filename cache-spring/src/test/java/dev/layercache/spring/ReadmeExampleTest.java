package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.InvalidateTags;
import dev.layercache.local.LocalBackend;
import dev.layercache.sql.CachingDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/** The README's Spring example, compiled and run. */
@SpringJUnitConfig(ReadmeExampleTest.CacheConfig.class)
class ReadmeExampleTest {
  public record Article(long id, String title) {}

  // README: Spring
  @Configuration
  @EnableLayerCache // LayerCache's annotations on beans, and what LayerCacheManager needs
  @EnableCaching // Spring's annotations, here on LayerCache
  @EnableTransactionManagement
  static class CacheConfig {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder() // RedisBackend in production
          .namespace("blog")
          .backend(LocalBackend.builder().maximumSize(100_000).build())
          .build();
    }

    @Bean
    LayerCacheManager cacheManager(LayerCache cache) {
      return LayerCacheManager.builder(cache)
          .defaultPolicy(CachePolicy.builder().ttl(Duration.ofMinutes(10)).build())
          .build();
    }

    @Bean
    DataSource dataSource(LayerCache cache) { // a pool in production
      return CachingDataSource.wrap(
          new DriverManagerDataSource("jdbc:h2:mem:blog;DB_CLOSE_DELAY=-1", "sa", ""), cache);
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      return new DataSourceTransactionManager(dataSource);
    }

    @Bean
    ArticleService articles(DataSource dataSource) {
      return new ArticleService(new JdbcTemplate(dataSource));
    }
  }

  public static class ArticleService {
    private final JdbcTemplate jdbc;

    ArticleService(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Cacheable("articles") // depends on the tables it reads through the CachingDataSource
    public Article article(long id) {
      return jdbc.queryForObject(
          "SELECT id, title FROM articles WHERE id = ?",
          (rs, n) -> new Article(rs.getLong(1), rs.getString(2)),
          id);
    }

    @Cached(name = "headline", ttl = "30m", tags = "article:{0}")
    public String headline(long id) {
      return article(id).title().toUpperCase(java.util.Locale.ROOT);
    }

    @Transactional
    @CacheEvict(cacheNames = "articles", key = "#id") // locked now, evicted after the commit
    @InvalidateTags("article:{0}") // likewise
    public void retitle(long id, String title) {
      jdbc.update("UPDATE articles SET title = ? WHERE id = ?", title, id);
    }
  }

  // README: end

  @Autowired ArticleService articles;
  @Autowired DataSource dataSource;

  @Test
  void example_cachesAndInvalidatesAtTheCommit() {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    jdbc.execute("CREATE TABLE articles (id BIGINT PRIMARY KEY, title VARCHAR(40))");
    jdbc.update("INSERT INTO articles VALUES (1, 'caching')");
    assertThat(articles.article(1).title()).isEqualTo("caching");
    assertThat(articles.headline(1)).isEqualTo("CACHING");
    articles.retitle(1, "layers");
    assertThat(articles.article(1).title()).isEqualTo("layers");
    assertThat(articles.headline(1)).isEqualTo("LAYERS");
  }
}
