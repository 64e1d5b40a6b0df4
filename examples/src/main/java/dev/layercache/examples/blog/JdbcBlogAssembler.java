package dev.layercache.examples.blog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.sql.DataSource;

/**
 * The blog over plain JDBC: every page is assembled from several real queries, every write runs in
 * one transaction that increments the versions of what it changes.
 *
 * <p>Versions are read before the data they cover (or in the same row), so an answer never claims a
 * newer version than its data. Thread-safe: each call takes its own connection.
 */
public final class JdbcBlogAssembler implements BlogAssembler {
  /** How many comments an article page shows. */
  public static final int PAGE_COMMENTS = 20;

  /** How many events an activity stream shows. */
  public static final int STREAM_EVENTS = 20;

  private final DataSource dataSource;
  private final DependencyTracker tracker;

  /**
   * Creates an assembler without dependency tracking.
   *
   * @param dataSource the database
   */
  public JdbcBlogAssembler(DataSource dataSource) {
    this(dataSource, DependencyTracker.NONE);
  }

  /**
   * Creates an assembler that reports the entities it reads during an assembly.
   *
   * @param dataSource the database
   * @param tracker told which entities an assembly is about to read
   */
  public JdbcBlogAssembler(DataSource dataSource, DependencyTracker tracker) {
    this.dataSource = dataSource;
    this.tracker = tracker;
  }

  @Override
  public UserCard userCard(long userId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT display_name, location, version FROM blog_profiles WHERE user_id = ?")) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no user " + userId);
        }
        return new UserCard(userId, rs.getString(1), rs.getString(2), rs.getLong(3));
      }
    }
  }

  @Override
  public UserProfile profile(long userId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      String name;
      String email;
      long joinedAt;
      long friendsVersion;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT name, email, joined_at, friends_version FROM blog_users WHERE id = ?")) {
        ps.setLong(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NoSuchElementException("no user " + userId);
          }
          name = rs.getString(1);
          email = rs.getString(2);
          joinedAt = rs.getLong(3);
          friendsVersion = rs.getLong(4);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT display_name, bio, location, website, version FROM blog_profiles"
                  + " WHERE user_id = ?")) {
        ps.setLong(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NoSuchElementException("no profile of user " + userId);
          }
          int friends = count(c, "SELECT COUNT(*) FROM blog_friendships WHERE user_id = ?", userId);
          int articles = count(c, "SELECT COUNT(*) FROM blog_articles WHERE author_id = ?", userId);
          return new UserProfile(
              userId,
              name,
              email,
              joinedAt,
              rs.getString(1),
              rs.getString(2),
              rs.getString(3),
              rs.getString(4),
              friends,
              articles,
              Map.of(
                  Entities.profile(userId),
                  rs.getLong(5),
                  Entities.friends(userId),
                  friendsVersion));
        }
      }
    }
  }

  @Override
  public ArticlePage articlePage(long articleId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long authorId;
      String title;
      String body;
      long publishedAt;
      int commentCount;
      long version;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT author_id, title, body, published_at, comment_count, version"
                  + " FROM blog_articles WHERE id = ?")) {
        ps.setLong(1, articleId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NoSuchElementException("no article " + articleId);
          }
          authorId = rs.getLong(1);
          title = rs.getString(2);
          body = rs.getString(3);
          publishedAt = rs.getLong(4);
          commentCount = rs.getInt(5);
          version = rs.getLong(6);
        }
      }
      String authorName = userName(c, authorId);
      List<CommentView> comments = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT c.id, c.user_id, u.name, c.body, c.created_at FROM blog_comments c"
                  + " JOIN blog_users u ON u.id = c.user_id WHERE c.article_id = ?"
                  + " ORDER BY c.created_at DESC, c.id DESC LIMIT "
                  + PAGE_COMMENTS)) {
        ps.setLong(1, articleId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            comments.add(
                new CommentView(
                    rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
          }
        }
      }
      String html =
          ArticleHtml.render(
              articleId, title, body, authorName, publishedAt, commentCount, comments);
      return new ArticlePage(articleId, authorId, title, commentCount, html, version);
    }
  }

  @Override
  public ActivityStream activity(long userId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Map<String, Long> versions = new HashMap<>();
      List<Long> members = new ArrayList<>();
      members.add(userId);
      versions.put(Entities.friends(userId), userVersion(c, "friends_version", userId));
      try (PreparedStatement ps =
          c.prepareStatement("SELECT friend_id FROM blog_friendships WHERE user_id = ?")) {
        ps.setLong(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            members.add(rs.getLong(1));
          }
        }
      }
      List<String> activities = new ArrayList<>(members.size());
      for (long id : members) {
        activities.add(Entities.activity(id));
      }
      // Tracker first, then versions, then events: a write that commits in between is either
      // seen by the cache as newer than the value, or already in the versions read.
      tracker.willRead(activities);
      String in = placeholders(members.size());
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, activity_version FROM blog_users WHERE id IN (" + in + ")")) {
        for (int i = 0; i < members.size(); i++) {
          ps.setLong(i + 1, members.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            versions.put(Entities.activity(rs.getLong(1)), rs.getLong(2));
          }
        }
      }
      StringBuilder sql =
          new StringBuilder(
              "SELECT e.id, e.user_id, u.name, e.kind, e.subject_id, e.created_at"
                  + " FROM blog_activity e JOIN blog_users u ON u.id = e.user_id"
                  + " WHERE e.user_id IN (");
      sql.append(in).append(") ORDER BY e.created_at DESC, e.id DESC LIMIT ").append(STREAM_EVENTS);
      List<ActivityEvent> events = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < members.size(); i++) {
          ps.setLong(i + 1, members.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            events.add(
                new ActivityEvent(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getLong(6)));
          }
        }
      }
      return new ActivityStream(userId, events, versions);
    }
  }

  @Override
  public FriendList friends(long userId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long version = userVersion(c, "friends_version", userId);
      List<Friend> friends = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT u.id, u.name, f.since FROM blog_friendships f"
                  + " JOIN blog_users u ON u.id = f.friend_id WHERE f.user_id = ?"
                  + " ORDER BY u.name, u.id")) {
        ps.setLong(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            friends.add(new Friend(rs.getLong(1), rs.getString(2), rs.getLong(3)));
          }
        }
      }
      return new FriendList(userId, friends, version);
    }
  }

  @Override
  public AuthorStats authorStats(long authorId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      long version = userVersion(c, "stats_version", authorId);
      long articles;
      long comments;
      long commenters;
      long chars;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COUNT(DISTINCT a.id), COUNT(cm.id), COUNT(DISTINCT cm.user_id),"
                  + " COALESCE(SUM(LENGTH(cm.body)), 0) FROM blog_articles a"
                  + " LEFT JOIN blog_comments cm ON cm.article_id = a.id WHERE a.author_id = ?")) {
        ps.setLong(1, authorId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          articles = rs.getLong(1);
          comments = rs.getLong(2);
          commenters = rs.getLong(3);
          chars = rs.getLong(4);
        }
      }
      List<Friend> top = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT cm.user_id, u.name, COUNT(*) AS n, MIN(cm.created_at)"
                  + " FROM blog_comments cm JOIN blog_articles a ON a.id = cm.article_id"
                  + " JOIN blog_users u ON u.id = cm.user_id WHERE a.author_id = ?"
                  + " GROUP BY cm.user_id, u.name ORDER BY n DESC, cm.user_id LIMIT 5")) {
        ps.setLong(1, authorId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            top.add(new Friend(rs.getLong(1), rs.getString(2), rs.getLong(4)));
          }
        }
      }
      return new AuthorStats(authorId, articles, comments, commenters, chars, top, version);
    }
  }

  @Override
  public Session session(String token) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT user_id, created_at, last_seen, version FROM blog_sessions"
                    + " WHERE token = ?")) {
      ps.setString(1, token);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no such session");
        }
        return new Session(token, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    }
  }

  @Override
  public WriteReceipt updateArticle(long articleId, String title, String body) throws SQLException {
    return inTransaction(
        c -> {
          update(
              c,
              "UPDATE blog_articles SET title = ?, body = ?, version = version + 1 WHERE id = ?",
              title,
              body,
              articleId);
          return new WriteReceipt(
              Map.of(
                  Entities.article(articleId),
                  readLong(c, "SELECT version FROM blog_articles WHERE id = ?", articleId)));
        });
  }

  @Override
  public WriteReceipt addComment(long articleId, long userId, String body) throws SQLException {
    return inTransaction(
        c -> {
          update(
              c,
              "UPDATE blog_articles SET comment_count = comment_count + 1, version = version + 1"
                  + " WHERE id = ?",
              articleId);
          long authorId;
          long version;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT author_id, version FROM blog_articles WHERE id = ?")) {
            ps.setLong(1, articleId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NoSuchElementException("no article " + articleId);
              }
              authorId = rs.getLong(1);
              version = rs.getLong(2);
            }
          }
          update(
              c,
              "INSERT INTO blog_comments (article_id, user_id, body, created_at)"
                  + " VALUES (?, ?, ?, ?)",
              articleId,
              userId,
              body,
              System.currentTimeMillis());
          update(
              c, "UPDATE blog_users SET stats_version = stats_version + 1 WHERE id = ?", authorId);
          return new WriteReceipt(
              Map.of(
                  Entities.article(articleId),
                  version,
                  Entities.stats(authorId),
                  userVersion(c, "stats_version", authorId)));
        });
  }

  @Override
  public WriteReceipt addFriendship(long userId, long friendId) throws SQLException {
    if (userId == friendId) {
      throw new IllegalArgumentException("a user cannot befriend themselves: " + userId);
    }
    long lo = Math.min(userId, friendId);
    long hi = Math.max(userId, friendId);
    return inTransaction(
        c -> {
          // Locks both users in id order (no deadlock), so the existence check cannot race.
          update(c, "UPDATE blog_users SET friends_version = friends_version + 1 WHERE id = ?", lo);
          update(c, "UPDATE blog_users SET friends_version = friends_version + 1 WHERE id = ?", hi);
          int existing =
              count2(
                  c,
                  "SELECT COUNT(*) FROM blog_friendships WHERE user_id = ? AND friend_id = ?",
                  lo,
                  hi);
          if (existing > 0) {
            c.rollback();
            return WriteReceipt.NOTHING;
          }
          long now = System.currentTimeMillis();
          String insert =
              "INSERT INTO blog_friendships (user_id, friend_id, since) VALUES (?, ?, ?)";
          update(c, insert, lo, hi, now);
          update(c, insert, hi, lo, now);
          return new WriteReceipt(
              Map.of(
                  Entities.friends(lo), userVersion(c, "friends_version", lo),
                  Entities.friends(hi), userVersion(c, "friends_version", hi)));
        });
  }

  @Override
  public WriteReceipt recordActivity(long userId, String kind, long subjectId) throws SQLException {
    return inTransaction(
        c -> {
          update(
              c,
              "UPDATE blog_users SET activity_version = activity_version + 1 WHERE id = ?",
              userId);
          update(
              c,
              "INSERT INTO blog_activity (user_id, kind, subject_id, created_at)"
                  + " VALUES (?, ?, ?, ?)",
              userId,
              kind,
              subjectId,
              System.currentTimeMillis());
          return new WriteReceipt(
              Map.of(Entities.activity(userId), userVersion(c, "activity_version", userId)));
        });
  }

  @Override
  public WriteReceipt touchSession(String token) throws SQLException {
    return inTransaction(
        c -> {
          update(
              c,
              "UPDATE blog_sessions SET last_seen = ?, version = version + 1 WHERE token = ?",
              System.currentTimeMillis(),
              token);
          long version;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT version FROM blog_sessions WHERE token = ?")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NoSuchElementException("no such session");
              }
              version = rs.getLong(1);
            }
          }
          return new WriteReceipt(Map.of(Entities.session(token), version));
        });
  }

  @Override
  public WriteReceipt updateProfile(long userId, String bio, String location) throws SQLException {
    return inTransaction(
        c -> {
          update(
              c,
              "UPDATE blog_profiles SET bio = ?, location = ?, version = version + 1"
                  + " WHERE user_id = ?",
              bio,
              location,
              userId);
          return new WriteReceipt(
              Map.of(
                  Entities.profile(userId),
                  readLong(c, "SELECT version FROM blog_profiles WHERE user_id = ?", userId)));
        });
  }

  /** A unit of work on one connection inside one transaction. */
  @FunctionalInterface
  private interface Work {
    WriteReceipt run(Connection c) throws SQLException;
  }

  private WriteReceipt inTransaction(Work work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        WriteReceipt receipt = work.run(c);
        c.commit();
        return receipt;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }

  private static long readLong(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no row " + id);
        }
        return rs.getLong(1);
      }
    }
  }

  private static long userVersion(Connection c, String column, long userId) throws SQLException {
    // The column name comes from this class only, never from input.
    return readLong(c, "SELECT " + column + " FROM blog_users WHERE id = ?", userId);
  }

  private static String userName(Connection c, long userId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT name FROM blog_users WHERE id = ?")) {
      ps.setLong(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no user " + userId);
        }
        return rs.getString(1);
      }
    }
  }

  private static String placeholders(int n) {
    StringBuilder sb = new StringBuilder(n * 3);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }

  private static int count(Connection c, String sql, long id) throws SQLException {
    return (int) readLong(c, sql, id);
  }

  private static int count2(Connection c, String sql, long a, long b) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, a);
      ps.setLong(2, b);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
