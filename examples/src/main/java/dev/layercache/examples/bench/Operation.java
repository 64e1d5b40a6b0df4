package dev.layercache.examples.bench;

import java.util.Locale;

/**
 * The requests of the workload, each with its share of the reads or of the writes. Two reads stand
 * out on purpose: {@link #USER_CARD} is a single primary-key lookup (cheap for the database) and
 * {@link #AUTHOR_STATS} runs aggregate queries (expensive).
 */
public enum Operation {
  /** Resolves a session token; a primary-key lookup. */
  SESSION(false, 10, "session lookup (PK)"),
  /** A user card; a primary-key lookup. */
  USER_CARD(false, 15, "user card (PK lookup)"),
  /** A profile page; four queries. */
  PROFILE(false, 15, "profile (4 queries)"),
  /** An article page with comments, rendered to HTML; three queries. */
  ARTICLE_PAGE(false, 30, "article page (3 queries + HTML)"),
  /** A friend list; a join. */
  FRIENDS(false, 10, "friend list (join)"),
  /** An activity stream of the user and friends; four queries. */
  ACTIVITY(false, 10, "activity stream (4 queries)"),
  /** Comment statistics of an author; aggregates. */
  AUTHOR_STATS(false, 10, "author stats (aggregate)"),
  /** Rewrites an article. */
  UPDATE_ARTICLE(true, 20, "write: update article"),
  /** Comments an article. */
  ADD_COMMENT(true, 30, "write: add comment"),
  /** Befriends two users. */
  ADD_FRIENDSHIP(true, 10, "write: add friendship"),
  /** Records an activity event. */
  RECORD_ACTIVITY(true, 25, "write: record activity"),
  /** Marks a session as seen. */
  TOUCH_SESSION(true, 10, "write: touch session"),
  /** Changes a profile. */
  UPDATE_PROFILE(true, 5, "write: update profile");

  private final boolean write;
  private final int weight;
  private final String label;

  Operation(boolean write, int weight, String label) {
    this.write = write;
    this.weight = weight;
    this.label = label;
  }

  /**
   * Whether this operation writes.
   *
   * @return true for writes
   */
  public boolean isWrite() {
    return write;
  }

  /**
   * The operation's share among the reads or among the writes.
   *
   * @return a relative weight
   */
  public int weight() {
    return weight;
  }

  /**
   * A human-readable description.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * The name used in the JSON report.
   *
   * @return lower-case name with dashes
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
