package dev.layercache.examples.blog;

import java.util.Locale;

/**
 * How much data the generator writes. The other tables scale with the number of users.
 *
 * @param name the size's name
 * @param users users (each with a profile and a session)
 * @param articles articles
 * @param commentsPerArticle average comments per article
 * @param friendsPerUser average friends per user
 * @param eventsPerUser average activity events per user
 */
public record DataSize(
    String name,
    int users,
    int articles,
    int commentsPerArticle,
    int friendsPerUser,
    int eventsPerUser) {

  /** For tests: a few hundred rows. */
  public static final DataSize TINY = new DataSize("tiny", 200, 400, 4, 6, 4);

  /** The default: about 80,000 rows, generated in a few seconds. */
  public static final DataSize SMALL = new DataSize("small", 2_000, 6_000, 6, 8, 5);

  /** About 800,000 rows. */
  public static final DataSize MEDIUM = new DataSize("medium", 20_000, 60_000, 6, 8, 5);

  /** About 4 million rows. */
  public static final DataSize LARGE = new DataSize("large", 100_000, 300_000, 6, 8, 5);

  /**
   * Finds a size by name.
   *
   * @param name tiny, small, medium or large
   * @return the size
   * @throws IllegalArgumentException if there is no such size
   */
  public static DataSize named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "tiny":
        return TINY;
      case "small":
        return SMALL;
      case "medium":
        return MEDIUM;
      case "large":
        return LARGE;
      default:
        throw new IllegalArgumentException(
            "unknown data size '" + name + "': use tiny, small, medium or large");
    }
  }
}
