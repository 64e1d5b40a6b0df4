package dev.layercache.examples.bench;

import dev.layercache.examples.blog.BlogAssembler;
import dev.layercache.examples.blog.BlogDataGenerator;
import dev.layercache.examples.blog.DataSize;
import dev.layercache.examples.blog.SessionTokens;
import dev.layercache.examples.blog.Versioned;
import dev.layercache.examples.blog.WriteReceipt;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the simulated clients ask: a read/write mix over the {@link Operation}s, users and articles
 * picked with scrambled Zipfian popularity. Writes go through the application, so a caching
 * pattern's invalidation is exercised, and their committed versions go to the {@link
 * StaleReadChecker}. Immutable and thread-safe; each client passes its own random source.
 */
public final class Workload {
  private final ZipfianGenerator users;
  private final ZipfianGenerator articles;
  private final Operation[] reads;
  private final Operation[] writes;
  private final int writePercent;
  private final long seed;

  /**
   * Creates a workload.
   *
   * @param size the data size, for the key spaces
   * @param seed the data seed, for session tokens
   * @param theta the Zipfian skew
   * @param writePercent the share of writes, 0 to 100
   */
  public Workload(DataSize size, long seed, double theta, int writePercent) {
    if (writePercent < 0 || writePercent > 100) {
      throw new IllegalArgumentException("writePercent must be in [0, 100], was " + writePercent);
    }
    this.users = ZipfianGenerator.scrambled(size.users(), theta);
    this.articles = ZipfianGenerator.scrambled(size.articles(), theta);
    this.reads = table(false);
    this.writes = table(true);
    this.writePercent = writePercent;
    this.seed = seed;
  }

  private static Operation[] table(boolean write) {
    List<Operation> t = new ArrayList<>();
    for (Operation op : Operation.values()) {
      if (op.isWrite() == write) {
        for (int i = 0; i < op.weight(); i++) {
          t.add(op);
        }
      }
    }
    return t.toArray(new Operation[0]);
  }

  /**
   * One request: an operation and the ids it works on.
   *
   * @param operation what to do
   * @param first the user or article
   * @param second a second user or article where the operation needs one
   * @param textSeed picks the text a write puts in
   */
  public record Request(Operation operation, long first, long second, long textSeed) {}

  /**
   * Picks the next request.
   *
   * @param random the client's random source
   * @return the request
   */
  public Request next(SplittableRandom random) {
    boolean write = random.nextInt(100) < writePercent;
    Operation[] table = write ? writes : reads;
    Operation op = table[random.nextInt(table.length)];
    long user = 1 + users.next(random);
    long article = 1 + articles.next(random);
    switch (op) {
      case ARTICLE_PAGE:
      case UPDATE_ARTICLE:
        return new Request(op, article, 0, random.nextLong());
      case ADD_COMMENT:
      case RECORD_ACTIVITY:
        return new Request(op, user, article, random.nextLong());
      case ADD_FRIENDSHIP:
        long other = 1 + users.next(random);
        if (other == user) {
          other = user % users.items() + 1;
        }
        return new Request(op, user, other, random.nextLong());
      default:
        return new Request(op, user, 0, random.nextLong());
    }
  }

  /**
   * Sends a request to an application server.
   *
   * @param request the request
   * @param app the application server's assembler
   * @param checker receives committed versions and checks answers
   * @return how many stale entities the answer held (0 for writes)
   * @throws SQLException if the database fails
   */
  public int execute(Workload.Request request, BlogAssembler app, StaleReadChecker checker)
      throws SQLException {
    Operation op = request.operation();
    if (op.isWrite()) {
      checker.recordCommitted(write(request, app).committed());
      return 0;
    }
    long ticket = checker.begin();
    Versioned answer = read(request, app);
    return checker.check(ticket, answer.versions(), op.id());
  }

  private Versioned read(Request r, BlogAssembler app) throws SQLException {
    switch (r.operation()) {
      case SESSION:
        return app.session(SessionTokens.of(seed, r.first()));
      case USER_CARD:
        return app.userCard(r.first());
      case PROFILE:
        return app.profile(r.first());
      case ARTICLE_PAGE:
        return app.articlePage(r.first());
      case FRIENDS:
        return app.friends(r.first());
      case ACTIVITY:
        return app.activity(r.first());
      case AUTHOR_STATS:
        return app.authorStats(r.first());
      default:
        throw new IllegalArgumentException("not a read: " + r.operation());
    }
  }

  private WriteReceipt write(Request r, BlogAssembler app) throws SQLException {
    SplittableRandom text = new SplittableRandom(r.textSeed());
    switch (r.operation()) {
      case UPDATE_ARTICLE:
        return app.updateArticle(
            r.first(),
            BlogDataGenerator.sentence(text, 4),
            BlogDataGenerator.sentence(text, 60) + "\n\n" + BlogDataGenerator.sentence(text, 40));
      case ADD_COMMENT:
        return app.addComment(r.second(), r.first(), BlogDataGenerator.sentence(text, 12));
      case ADD_FRIENDSHIP:
        return app.addFriendship(r.first(), r.second());
      case RECORD_ACTIVITY:
        String[] kinds = BlogDataGenerator.ACTIVITY_KINDS;
        return app.recordActivity(r.first(), kinds[text.nextInt(kinds.length)], r.second());
      case TOUCH_SESSION:
        return app.touchSession(SessionTokens.of(seed, r.first()));
      case UPDATE_PROFILE:
        return app.updateProfile(r.first(), BlogDataGenerator.sentence(text, 15), "Lisbon");
      default:
        throw new IllegalArgumentException("not a write: " + r.operation());
    }
  }
}
