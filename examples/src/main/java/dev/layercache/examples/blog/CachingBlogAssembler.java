package dev.layercache.examples.blog;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Object caching written by hand: each assembled page is cached whole under a key of its own,
 * tagged with the entities it was built from; each write invalidates the tags of what it changed,
 * after its transaction committed.
 *
 * <p>The activity stream depends on the friends it contains, known only while it is assembled;
 * build the delegate with {@code cache::trackDependencies} as its {@link DependencyTracker} (as
 * {@link #over} does) so that those friends' tags are tracked too.
 *
 * <p>Thread-safe if the delegate is.
 */
public final class CachingBlogAssembler implements BlogAssembler {
  /** How long assembled pages live without a write. */
  public static final Duration TTL = Duration.ofMinutes(10);

  private final BlogAssembler delegate;
  private final LayerCache cache;

  /**
   * Caches the answers of a delegate.
   *
   * @param delegate builds the pages on a miss and performs writes
   * @param cache where pages are cached
   */
  public CachingBlogAssembler(BlogAssembler delegate, LayerCache cache) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  /**
   * Caches a {@link JdbcBlogAssembler} over a data source, with dependency tracking wired.
   *
   * @param dataSource the database
   * @param cache where pages are cached
   * @return the caching assembler
   */
  public static CachingBlogAssembler over(javax.sql.DataSource dataSource, LayerCache cache) {
    return new CachingBlogAssembler(
        new JdbcBlogAssembler(dataSource, cache::trackDependencies), cache);
  }

  private static CachePolicy tagged(String... tags) {
    return CachePolicy.builder().ttl(TTL).tags(tags).build();
  }

  @Override
  public UserCard userCard(long userId) throws SQLException {
    return present(
        cache.get(
            CacheKey.of("user-card", userId),
            UserCard.class,
            tagged(Entities.profile(userId)),
            () -> delegate.userCard(userId)));
  }

  @Override
  public UserProfile profile(long userId) throws SQLException {
    return present(
        cache.get(
            CacheKey.of("profile", userId),
            UserProfile.class,
            tagged(Entities.profile(userId), Entities.friends(userId)),
            () -> delegate.profile(userId)));
  }

  @Override
  public ArticlePage articlePage(long articleId) throws SQLException {
    return present(
        cache.get(
            CacheKey.of("article-page", articleId),
            ArticlePage.class,
            tagged(Entities.article(articleId)),
            () -> delegate.articlePage(articleId)));
  }

  @Override
  public ActivityStream activity(long userId) throws SQLException {
    // The friends whose activity the stream shows are known only during the load: the delegate
    // reports them through the tracker, and they become tags of the entry.
    return present(
        cache.get(
            CacheKey.of("activity", userId),
            ActivityStream.class,
            tagged(Entities.friends(userId), Entities.activity(userId)),
            () -> delegate.activity(userId)));
  }

  @Override
  public FriendList friends(long userId) throws SQLException {
    return present(
        cache.get(
            CacheKey.of("friends", userId),
            FriendList.class,
            tagged(Entities.friends(userId)),
            () -> delegate.friends(userId)));
  }

  @Override
  public AuthorStats authorStats(long authorId) throws SQLException {
    return present(
        cache.get(
            CacheKey.of("author-stats", authorId),
            AuthorStats.class,
            tagged(Entities.stats(authorId)),
            () -> delegate.authorStats(authorId)));
  }

  @Override
  public Session session(String token) throws SQLException {
    return present(
        cache.get(
            sessionKey(token),
            Session.class,
            CachePolicy.builder().ttl(Duration.ofMinutes(30)).build(),
            () -> delegate.session(token)));
  }

  @Override
  public WriteReceipt updateArticle(long articleId, String title, String body) throws SQLException {
    return invalidated(delegate.updateArticle(articleId, title, body));
  }

  @Override
  public WriteReceipt addComment(long articleId, long userId, String body) throws SQLException {
    return invalidated(delegate.addComment(articleId, userId, body));
  }

  @Override
  public WriteReceipt addFriendship(long userId, long friendId) throws SQLException {
    return invalidated(delegate.addFriendship(userId, friendId));
  }

  @Override
  public WriteReceipt recordActivity(long userId, String kind, long subjectId) throws SQLException {
    return invalidated(delegate.recordActivity(userId, kind, subjectId));
  }

  @Override
  public WriteReceipt touchSession(String token) throws SQLException {
    WriteReceipt receipt = delegate.touchSession(token);
    // Explicit eviction: the next request on any server reads the new row.
    cache.evict(sessionKey(token));
    return receipt;
  }

  @Override
  public WriteReceipt updateProfile(long userId, String bio, String location) throws SQLException {
    return invalidated(delegate.updateProfile(userId, bio, location));
  }

  private static CacheKey sessionKey(String token) {
    return CacheKey.of("session", token);
  }

  /** Entity names double as tags: invalidating them drops every page built from them. */
  private WriteReceipt invalidated(WriteReceipt receipt) {
    if (!receipt.committed().isEmpty()) {
      cache.invalidateTags(new ArrayList<>(receipt.committed().keySet()));
    }
    return receipt;
  }

  // Loaders never return null (a missing row throws), and nulls are not cached.
  private static <T> T present(@Nullable T value) {
    return Objects.requireNonNull(value, "assembler returned null");
  }
}
