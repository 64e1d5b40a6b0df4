package dev.layercache.examples.blog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates the blog's tables. All names start with {@code blog_}; {@link #recreate} drops the tables
 * of an earlier run first, and touches no other table.
 *
 * <p>Every mutable row carries a version, incremented by each write that changes what a page built
 * from it shows: {@code blog_articles.version}, {@code blog_profiles.version}, {@code
 * blog_sessions.version}, and on {@code blog_users} one version per derived view (friend list,
 * activity, comment statistics).
 */
public final class BlogSchema {
  /** The tables, in the order they are dropped. */
  public static final List<String> TABLES =
      List.of(
          "blog_sessions",
          "blog_activity",
          "blog_comments",
          "blog_articles",
          "blog_friendships",
          "blog_profiles",
          "blog_users");

  private BlogSchema() {}

  /**
   * Drops and creates the blog tables and their indexes.
   *
   * @param connection a connection in auto-commit mode
   * @param dialect the database's dialect
   * @throws SQLException if a statement fails
   */
  public static void recreate(Connection connection, SqlDialect dialect) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String table : TABLES) {
        s.execute("DROP TABLE IF EXISTS " + table);
      }
      s.execute(
          "CREATE TABLE blog_users (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
              + " email VARCHAR(200) NOT NULL, joined_at BIGINT NOT NULL,"
              + " friends_version BIGINT NOT NULL, activity_version BIGINT NOT NULL,"
              + " stats_version BIGINT NOT NULL)");
      s.execute(
          "CREATE TABLE blog_profiles (user_id BIGINT PRIMARY KEY, display_name VARCHAR(100) NOT"
              + " NULL, bio VARCHAR(1000) NOT NULL, location VARCHAR(100) NOT NULL,"
              + " website VARCHAR(200) NOT NULL, version BIGINT NOT NULL)");
      s.execute(
          "CREATE TABLE blog_friendships (user_id BIGINT NOT NULL, friend_id BIGINT NOT NULL,"
              + " since BIGINT NOT NULL, PRIMARY KEY (user_id, friend_id))");
      s.execute(
          "CREATE TABLE blog_articles (id BIGINT PRIMARY KEY, author_id BIGINT NOT NULL,"
              + " title VARCHAR(200) NOT NULL, body VARCHAR(4000) NOT NULL,"
              + " published_at BIGINT NOT NULL, comment_count INT NOT NULL,"
              + " version BIGINT NOT NULL)");
      s.execute("CREATE INDEX blog_articles_author ON blog_articles (author_id)");
      s.execute(
          "CREATE TABLE blog_comments (id "
              + dialect.identityColumn()
              + ", article_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
              + " body VARCHAR(1000) NOT NULL, created_at BIGINT NOT NULL)");
      s.execute("CREATE INDEX blog_comments_article ON blog_comments (article_id, created_at)");
      s.execute(
          "CREATE TABLE blog_activity (id "
              + dialect.identityColumn()
              + ", user_id BIGINT NOT NULL, kind VARCHAR(30) NOT NULL,"
              + " subject_id BIGINT NOT NULL, created_at BIGINT NOT NULL)");
      s.execute("CREATE INDEX blog_activity_user ON blog_activity (user_id, created_at)");
      s.execute(
          "CREATE TABLE blog_sessions (token VARCHAR(64) PRIMARY KEY, user_id BIGINT NOT NULL,"
              + " created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
              + " version BIGINT NOT NULL)");
    }
  }
}
