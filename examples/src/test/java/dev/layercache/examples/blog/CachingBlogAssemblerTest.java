package dev.layercache.examples.blog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.LayerCache;
import dev.layercache.examples.bench.CountingBackend;
import dev.layercache.examples.bench.CountingDataSource;
import dev.layercache.examples.bench.StaleReadChecker;
import dev.layercache.local.LocalBackend;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Object caching written by hand; {@link AnnotatedBlogAssemblerTest} runs the same on the proxy.
 */
class CachingBlogAssemblerTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final long SEED = 7;

  private CountingDataSource db;
  private CountingBackend backend;
  private LayerCache cacheA;
  private LayerCache cacheB;
  private BlogAssembler serverA;
  private BlogAssembler serverB;
  private final StaleReadChecker checker = new StaleReadChecker();

  @BeforeEach
  void setUp() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:blog-test-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    db = new CountingDataSource(h2);
    BlogDataGenerator.generate(db, SqlDialect.H2, DataSize.TINY, SEED);
    backend = new CountingBackend(LocalBackend.builder().build());
    cacheA = LayerCache.builder().namespace("blog").backend(backend).build();
    cacheB = LayerCache.builder().namespace("blog").backend(backend).build();
    serverA = assembler(db, cacheA);
    serverB = assembler(db, cacheB);
  }

  /** The caching assembler under test. */
  BlogAssembler assembler(DataSource database, LayerCache cache) {
    return CachingBlogAssembler.over(database, cache);
  }

  @AfterEach
  void tearDown() {
    cacheA.close();
    cacheB.close();
    backend.closeShared();
  }

  @Test
  void articlePage_isCached_andSharedBetweenServers() throws SQLException {
    ArticlePage first = serverA.articlePage(1);
    long statements = db.statements();
    ArticlePage second = serverB.articlePage(1);
    assertThat(second).isEqualTo(first);
    assertThat(db.statements()).isEqualTo(statements);
    assertThat(first.html()).startsWith("<article").contains("<h1>");
  }

  @Test
  void writeOnOneServer_isSeenByTheOther() throws SQLException {
    serverA.articlePage(2);
    WriteReceipt receipt = serverB.addComment(2, 5, "a <b>new</b> comment");
    checker.recordCommitted(receipt.committed());
    long ticket = checker.begin();
    ArticlePage page = serverA.articlePage(2);
    assertThat(checker.check(ticket, page.versions(), "article-page")).isZero();
    assertThat(page.html()).contains("a &lt;b&gt;new&lt;/b&gt; comment");
  }

  @Test
  void commentOnAnArticle_invalidatesItsAuthorsStatistics() throws SQLException {
    long author = serverA.articlePage(3).authorId();
    long statements = db.statements();
    AuthorStats before = serverA.authorStats(author);
    assertThat(serverB.authorStats(author)).isEqualTo(before);
    long perLoad = db.statements() - statements;
    assertThat(perLoad).isPositive();

    // The comment's parameters name the article, not its author: the write's receipt does.
    WriteReceipt receipt = serverB.addComment(3, 5, "well put");
    assertThat(receipt.committed()).containsKey(Entities.stats(author));
    checker.recordCommitted(receipt.committed());
    long ticket = checker.begin();
    AuthorStats after = serverA.authorStats(author);
    assertThat(checker.check(ticket, after.versions(), "author-stats")).isZero();
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void activityOfAFriend_invalidatesTheCachedStream() throws SQLException {
    long user = 1;
    FriendList friends = serverA.friends(user);
    long friend = friends.friends().isEmpty() ? addFriend(user) : friends.friends().get(0).userId();
    serverA.activity(user);
    WriteReceipt receipt = serverB.recordActivity(friend, "liked", 3);
    checker.recordCommitted(receipt.committed());
    long ticket = checker.begin();
    ActivityStream stream = serverA.activity(user);
    assertThat(stream.versions()).containsKey(Entities.activity(friend));
    assertThat(checker.check(ticket, stream.versions(), "activity")).isZero();
    assertThat(stream.events().get(0).userId()).isEqualTo(friend);
  }

  @Test
  void sessionTouchedOnOneServer_isFreshOnTheOther() throws SQLException {
    String token = SessionTokens.of(SEED, 9);
    Session before = serverA.session(token);
    checker.recordCommitted(serverB.touchSession(token).committed());
    Session after = serverA.session(token);
    assertThat(after.version()).isGreaterThan(before.version());
    assertThat(checker.check(checker.begin(), after.versions(), "session")).isZero();
  }

  @Test
  void writeThatBypassesTheCache_isDetectedAsStaleRead() throws SQLException {
    serverA.userCard(4);
    // A write straight to the database, without invalidation: the cached card is now stale.
    WriteReceipt receipt = new JdbcBlogAssembler(db).updateProfile(4, "new bio", "Oslo");
    checker.recordCommitted(receipt.committed());
    long ticket = checker.begin();
    UserCard card = serverA.userCard(4);
    assertThat(checker.check(ticket, card.versions(), "user-card")).isEqualTo(1);
    assertThat(checker.staleReads()).isEqualTo(1);
  }

  @Test
  void addFriendship_twice_changesNothingTheSecondTime() throws SQLException {
    long a = 3;
    long b = 150;
    WriteReceipt first = serverA.addFriendship(a, b);
    WriteReceipt second = serverA.addFriendship(a, b);
    if (!first.committed().isEmpty()) {
      assertThat(first.committed()).containsKeys(Entities.friends(a), Entities.friends(b));
    }
    assertThat(second).isEqualTo(WriteReceipt.NOTHING);
    assertThat(serverB.friends(a).friends()).anyMatch(f -> f.userId() == b);
  }

  private long addFriend(long user) throws SQLException {
    long other = user + 100;
    Map<String, Long> committed = serverB.addFriendship(user, other).committed();
    checker.recordCommitted(committed);
    return other;
  }
}
