package dev.layercache.examples.blog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * Fills the blog tables with generated data. The same seed and size always give the same rows.
 * Popularity is skewed as on a real site: a few authors write many articles and a few users have
 * many friends.
 */
public final class BlogDataGenerator {
  /** Epoch milliseconds all generated times are before: 2024-01-01T00:00:00Z. */
  public static final long EPOCH = 1_704_067_200_000L;

  private static final int BATCH = 500;
  private static final long DAY = 86_400_000L;

  private static final String[] FIRST = {
    "Ada", "Alan", "Barbara", "Bjarne", "Charles", "Dennis", "Donald", "Edsger", "Frances", "Grace",
    "Guido", "James", "John", "Ken", "Leslie", "Linus", "Margaret", "Niklaus", "Radia", "Tim"
  };
  private static final String[] LAST = {
    "Lovelace", "Turing", "Liskov", "Stroustrup", "Shannon", "Ritchie", "Knuth", "Dijkstra",
    "Allen", "Hopper", "Rossum", "Gosling", "Backus", "Thompson", "Lamport", "Torvalds",
    "Hamilton", "Wirth", "Perlman", "Berners-Lee"
  };
  private static final String[] PLACES = {
    "Amsterdam",
    "Berlin",
    "Lisbon",
    "Montreal",
    "Nairobi",
    "Osaka",
    "Paris",
    "Santiago",
    "Seoul",
    "Zurich"
  };
  private static final String[] WORDS = {
    "cache",
    "latency",
    "server",
    "query",
    "index",
    "replica",
    "shard",
    "tag",
    "version",
    "stale",
    "fresh",
    "request",
    "throughput",
    "memory",
    "disk",
    "network",
    "invalidate",
    "object",
    "page",
    "friend",
    "stream",
    "session",
    "commit",
    "snapshot",
    "load",
    "balance",
    "clone",
    "database",
    "row",
    "column",
    "join",
    "aggregate",
    "hit",
    "miss",
    "warm",
    "cold"
  };

  /** Activity kinds the generator and the workload use. */
  public static final String[] ACTIVITY_KINDS = {"posted", "commented", "liked", "followed"};

  private BlogDataGenerator() {}

  /**
   * Recreates the schema and fills it.
   *
   * @param dataSource where to write
   * @param dialect the database's dialect
   * @param size how much to write
   * @param seed the random seed
   * @return rows written per table, in creation order
   * @throws SQLException if the database fails
   */
  public static Map<String, Long> generate(
      DataSource dataSource, SqlDialect dialect, DataSize size, long seed) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      BlogSchema.recreate(c, dialect);
      c.setAutoCommit(false);
      SplittableRandom random = new SplittableRandom(seed);
      rows.put("blog_users", users(c, size, random));
      rows.put("blog_profiles", profiles(c, size, random));
      rows.put("blog_friendships", friendships(c, size, random));
      rows.put("blog_articles", articles(c, size, random));
      rows.put("blog_comments", comments(c, size, random));
      rows.put("blog_activity", activity(c, size, random));
      rows.put("blog_sessions", sessions(c, size, seed));
      c.commit();
      c.setAutoCommit(true);
    }
    return rows;
  }

  /**
   * A random sentence from the generator's vocabulary, for generated and written text.
   *
   * @param random the source of randomness
   * @param words how many words
   * @return the sentence
   */
  public static String sentence(SplittableRandom random, int words) {
    StringBuilder sb = new StringBuilder(words * 8);
    for (int i = 0; i < words; i++) {
      String w = WORDS[random.nextInt(WORDS.length)];
      if (i == 0) {
        sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
      } else {
        sb.append(' ').append(w);
      }
    }
    return sb.append('.').toString();
  }

  /**
   * A skewed pick from 1 to {@code n}: low ids are chosen far more often.
   *
   * @param random the source of randomness
   * @param n the largest id
   * @return an id
   */
  static long skewed(SplittableRandom random, int n) {
    return 1 + Math.min(n - 1, (long) (n * Math.pow(random.nextDouble(), 3)));
  }

  private static String name(long id) {
    return FIRST[(int) (id % FIRST.length)] + " " + LAST[(int) ((id / FIRST.length) % LAST.length)];
  }

  private static long users(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_users (id, name, email, joined_at, friends_version,"
                + " activity_version, stats_version) VALUES (?, ?, ?, ?, 1, 1, 1)")) {
      for (long id = 1; id <= size.users(); id++) {
        ps.setLong(1, id);
        ps.setString(2, name(id) + " " + id);
        ps.setString(3, "user" + id + "@blog.example");
        ps.setLong(4, EPOCH - random.nextLong(1000 * DAY));
        batch(ps, id);
      }
      ps.executeBatch();
    }
    return size.users();
  }

  private static long profiles(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_profiles (user_id, display_name, bio, location, website, version)"
                + " VALUES (?, ?, ?, ?, ?, 1)")) {
      for (long id = 1; id <= size.users(); id++) {
        ps.setLong(1, id);
        ps.setString(2, name(id));
        ps.setString(3, sentence(random, 12 + random.nextInt(20)));
        ps.setString(4, PLACES[random.nextInt(PLACES.length)]);
        ps.setString(5, "https://blog.example/~user" + id);
        batch(ps, id);
      }
      ps.executeBatch();
    }
    return size.users();
  }

  private static long friendships(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    long pairs = (long) size.users() * size.friendsPerUser() / 2;
    Set<Long> seen = new HashSet<>();
    long rows = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_friendships (user_id, friend_id, since) VALUES (?, ?, ?)")) {
      for (long i = 0; i < pairs; i++) {
        long a = 1 + random.nextInt(size.users());
        long b = skewed(random, size.users());
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        if (lo == hi || !seen.add(lo * (size.users() + 1L) + hi)) {
          continue;
        }
        long since = EPOCH - random.nextLong(500 * DAY);
        for (long[] pair : new long[][] {{lo, hi}, {hi, lo}}) {
          ps.setLong(1, pair[0]);
          ps.setLong(2, pair[1]);
          ps.setLong(3, since);
          batch(ps, ++rows);
        }
      }
      ps.executeBatch();
    }
    return rows;
  }

  private static long articles(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_articles (id, author_id, title, body, published_at, comment_count,"
                + " version) VALUES (?, ?, ?, ?, ?, 0, 1)")) {
      for (long id = 1; id <= size.articles(); id++) {
        ps.setLong(1, id);
        ps.setLong(2, skewed(random, size.users()));
        ps.setString(3, sentence(random, 3 + random.nextInt(5)));
        ps.setString(4, paragraphs(random));
        ps.setLong(5, EPOCH - random.nextLong(365 * DAY));
        batch(ps, id);
      }
      ps.executeBatch();
    }
    return size.articles();
  }

  private static String paragraphs(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int n = 2 + random.nextInt(4);
    for (int p = 0; p < n; p++) {
      if (p > 0) {
        sb.append("\n\n");
      }
      sb.append(sentence(random, 20 + random.nextInt(40)));
    }
    return sb.toString();
  }

  private static long comments(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    long rows = 0;
    int[] counts = new int[size.articles() + 1];
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_comments (article_id, user_id, body, created_at)"
                + " VALUES (?, ?, ?, ?)")) {
      long total = (long) size.articles() * size.commentsPerArticle();
      for (long i = 0; i < total; i++) {
        // Popular articles get more comments too.
        long article = skewed(random, size.articles());
        counts[(int) article]++;
        ps.setLong(1, article);
        ps.setLong(2, 1 + random.nextInt(size.users()));
        ps.setString(3, sentence(random, 5 + random.nextInt(25)));
        ps.setLong(4, EPOCH - random.nextLong(300 * DAY));
        batch(ps, ++rows);
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE blog_articles SET comment_count = ? WHERE id = ?")) {
      for (int id = 1; id <= size.articles(); id++) {
        if (counts[id] > 0) {
          ps.setInt(1, counts[id]);
          ps.setLong(2, id);
          batch(ps, id);
        }
      }
      ps.executeBatch();
    }
    return rows;
  }

  private static long activity(Connection c, DataSize size, SplittableRandom random)
      throws SQLException {
    long rows = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_activity (user_id, kind, subject_id, created_at) VALUES (?, ?, ?, ?)")) {
      long total = (long) size.users() * size.eventsPerUser();
      for (long i = 0; i < total; i++) {
        ps.setLong(1, skewed(random, size.users()));
        ps.setString(2, ACTIVITY_KINDS[random.nextInt(ACTIVITY_KINDS.length)]);
        ps.setLong(3, 1 + random.nextInt(size.articles()));
        ps.setLong(4, EPOCH - random.nextLong(200 * DAY));
        batch(ps, ++rows);
      }
      ps.executeBatch();
    }
    return rows;
  }

  private static long sessions(Connection c, DataSize size, long seed) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO blog_sessions (token, user_id, created_at, last_seen, version)"
                + " VALUES (?, ?, ?, ?, 1)")) {
      for (long id = 1; id <= size.users(); id++) {
        ps.setString(1, SessionTokens.of(seed, id));
        ps.setLong(2, id);
        ps.setLong(3, EPOCH);
        ps.setLong(4, EPOCH);
        batch(ps, id);
      }
      ps.executeBatch();
    }
    return size.users();
  }

  private static void batch(PreparedStatement ps, long n) throws SQLException {
    ps.addBatch();
    if (n % BATCH == 0) {
      ps.executeBatch();
    }
  }
}
