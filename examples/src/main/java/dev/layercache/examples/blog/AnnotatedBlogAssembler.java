package dev.layercache.examples.blog;

import dev.layercache.LayerCache;
import dev.layercache.ObjectCaching;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Object caching declared with annotations: the same pages as {@link CachingBlogAssembler}, cached
 * by a proxy of this class ({@link #over}) instead of by hand-written {@code cache.get} calls.
 *
 * <p>Each page names the entities it is built from as tags; the activity stream's friends are known
 * only while it is assembled, and the JDBC assembler reports them through {@link
 * LayerCache#trackDependencies}. Writes return a {@link WriteReceipt} naming what they changed,
 * whose entity names are the tags to invalidate, since some depend on the data (the author of a
 * commented article) rather than on a parameter.
 *
 * <p>Not final, so that the proxy can subclass it. Thread-safe if the delegate is.
 */
public class AnnotatedBlogAssembler implements BlogAssembler {
  private final BlogAssembler delegate;

  /**
   * Wraps a delegate; call {@link #over} to get the caching proxy.
   *
   * @param delegate builds pages on a miss and performs writes
   */
  public AnnotatedBlogAssembler(BlogAssembler delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The caching proxy over a {@link JdbcBlogAssembler}, with dependency tracking wired.
   *
   * @param dataSource the database
   * @param cache where pages are cached
   * @return the proxy
   */
  public static BlogAssembler over(DataSource dataSource, LayerCache cache) {
    BlogAssembler jdbc = new JdbcBlogAssembler(dataSource, cache::trackDependencies);
    return ObjectCaching.proxy(
        AnnotatedBlogAssembler.class, new AnnotatedBlogAssembler(jdbc), cache);
  }

  @Override
  @Cached(name = "user-card", ttl = "PT10M", tags = "profile:{0}")
  public UserCard userCard(long userId) throws SQLException {
    return delegate.userCard(userId);
  }

  @Override
  @Cached(
      name = "profile",
      ttl = "PT10M",
      tags = {"profile:{0}", "friends:{0}"})
  public UserProfile profile(long userId) throws SQLException {
    return delegate.profile(userId);
  }

  @Override
  @Cached(name = "article-page", ttl = "PT10M", tags = "article:{0}")
  public ArticlePage articlePage(long articleId) throws SQLException {
    return delegate.articlePage(articleId);
  }

  @Override
  @Cached(
      name = "activity",
      ttl = "PT10M",
      tags = {"friends:{0}", "activity:{0}"})
  public ActivityStream activity(long userId) throws SQLException {
    return delegate.activity(userId);
  }

  @Override
  @Cached(name = "friends", ttl = "PT10M", tags = "friends:{0}")
  public FriendList friends(long userId) throws SQLException {
    return delegate.friends(userId);
  }

  @Override
  @Cached(name = "author-stats", ttl = "PT10M", tags = "stats:{0}")
  public AuthorStats authorStats(long authorId) throws SQLException {
    return delegate.authorStats(authorId);
  }

  @Override
  @Cached(name = "session", ttl = "PT30M")
  public Session session(String token) throws SQLException {
    return delegate.session(token);
  }

  @Override
  @InvalidateTags(fromResult = true)
  public WriteReceipt updateArticle(long articleId, String title, String body) throws SQLException {
    return delegate.updateArticle(articleId, title, body);
  }

  @Override
  @InvalidateTags(fromResult = true)
  public WriteReceipt addComment(long articleId, long userId, String body) throws SQLException {
    return delegate.addComment(articleId, userId, body);
  }

  @Override
  @InvalidateTags(fromResult = true)
  public WriteReceipt addFriendship(long userId, long friendId) throws SQLException {
    return delegate.addFriendship(userId, friendId);
  }

  @Override
  @InvalidateTags(fromResult = true)
  public WriteReceipt recordActivity(long userId, String kind, long subjectId) throws SQLException {
    return delegate.recordActivity(userId, kind, subjectId);
  }

  @Override
  @Evict(name = "session")
  public WriteReceipt touchSession(String token) throws SQLException {
    return delegate.touchSession(token);
  }

  @Override
  @InvalidateTags(fromResult = true)
  public WriteReceipt updateProfile(long userId, String bio, String location) throws SQLException {
    return delegate.updateProfile(userId, bio, location);
  }
}
