package dev.layercache.examples.blog;

/**
 * Names of the versioned entities of the blog. The same strings serve as cache tags, so a write
 * that commits a new version of {@code article:42} invalidates the tag {@code article:42}.
 */
public final class Entities {
  private Entities() {}

  /**
   * An article row (title, body, comments).
   *
   * @param articleId the article
   * @return {@code article:<id>}
   */
  public static String article(long articleId) {
    return "article:" + articleId;
  }

  /**
   * A user's profile row.
   *
   * @param userId the user
   * @return {@code profile:<id>}
   */
  public static String profile(long userId) {
    return "profile:" + userId;
  }

  /**
   * A user's friend list.
   *
   * @param userId the user
   * @return {@code friends:<id>}
   */
  public static String friends(long userId) {
    return "friends:" + userId;
  }

  /**
   * A user's own activity events.
   *
   * @param userId the user
   * @return {@code activity:<id>}
   */
  public static String activity(long userId) {
    return "activity:" + userId;
  }

  /**
   * The comment statistics of an author's articles.
   *
   * @param userId the author
   * @return {@code stats:<id>}
   */
  public static String stats(long userId) {
    return "stats:" + userId;
  }

  /**
   * A session row.
   *
   * @param token the session token
   * @return {@code session:<token>}
   */
  public static String session(String token) {
    return "session:" + token;
  }
}
