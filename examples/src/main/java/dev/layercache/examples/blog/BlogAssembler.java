package dev.layercache.examples.blog;

import java.sql.SQLException;

/**
 * Builds the blog's pages and performs its writes. A page is assembled from several queries; every
 * answer names the versions it was built from ({@link Versioned}) and every write returns the
 * versions it committed ({@link WriteReceipt}).
 *
 * <p>Implementations are thread-safe. Lookups of an id that does not exist throw {@link
 * java.util.NoSuchElementException}.
 */
public interface BlogAssembler {

  /**
   * A user card: one primary-key lookup.
   *
   * @param userId the user
   * @return the card
   * @throws SQLException if the database fails
   */
  UserCard userCard(long userId) throws SQLException;

  /**
   * A user's profile page.
   *
   * @param userId the user
   * @return the profile
   * @throws SQLException if the database fails
   */
  UserProfile profile(long userId) throws SQLException;

  /**
   * A fully rendered article page.
   *
   * @param articleId the article
   * @return the page
   * @throws SQLException if the database fails
   */
  ArticlePage articlePage(long articleId) throws SQLException;

  /**
   * The latest events of a user and the user's friends.
   *
   * @param userId the user
   * @return the stream
   * @throws SQLException if the database fails
   */
  ActivityStream activity(long userId) throws SQLException;

  /**
   * A user's friends.
   *
   * @param userId the user
   * @return the friend list
   * @throws SQLException if the database fails
   */
  FriendList friends(long userId) throws SQLException;

  /**
   * Comment statistics of an author: aggregate queries over every comment on their articles.
   *
   * @param authorId the author
   * @return the statistics
   * @throws SQLException if the database fails
   */
  AuthorStats authorStats(long authorId) throws SQLException;

  /**
   * Resolves a session token, as every signed-in request does.
   *
   * @param token the token
   * @return the session
   * @throws SQLException if the database fails
   */
  Session session(String token) throws SQLException;

  /**
   * Rewrites an article's title and body.
   *
   * @param articleId the article
   * @param title the new title
   * @param body the new body
   * @return the new article version
   * @throws SQLException if the database fails
   */
  WriteReceipt updateArticle(long articleId, String title, String body) throws SQLException;

  /**
   * Adds a comment to an article; changes the article page and the author's statistics.
   *
   * @param articleId the article
   * @param userId who comments
   * @param body the text
   * @return the new versions of the article and of the author's statistics
   * @throws SQLException if the database fails
   */
  WriteReceipt addComment(long articleId, long userId, String body) throws SQLException;

  /**
   * Makes two users friends; does nothing if they already are.
   *
   * @param userId one user
   * @param friendId the other user, not the same
   * @return the new versions of both friend lists, or nothing
   * @throws SQLException if the database fails
   */
  WriteReceipt addFriendship(long userId, long friendId) throws SQLException;

  /**
   * Records an activity event of a user; changes the streams of the user and of their friends.
   *
   * @param userId who did something
   * @param kind what, such as {@code liked}
   * @param subjectId what it was done to
   * @return the new version of the user's activity
   * @throws SQLException if the database fails
   */
  WriteReceipt recordActivity(long userId, String kind, long subjectId) throws SQLException;

  /**
   * Marks a session as seen now.
   *
   * @param token the session token
   * @return the new session version
   * @throws SQLException if the database fails
   */
  WriteReceipt touchSession(String token) throws SQLException;

  /**
   * Changes a user's bio and location.
   *
   * @param userId the user
   * @param bio the new bio
   * @param location the new location
   * @return the new profile version
   * @throws SQLException if the database fails
   */
  WriteReceipt updateProfile(long userId, String bio, String location) throws SQLException;
}
