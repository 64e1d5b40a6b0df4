package dev.layercache.redis.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Values read from Redis and, for each, the fold of the server incarnation that answered it ({@link
 * Incarnations}), with which the tag versions among them are compared.
 */
public final class Replies {
  private final List<byte @Nullable []> values;
  private final long fold;
  private final long @Nullable [] folds;

  private Replies(List<byte @Nullable []> values, long fold, long @Nullable [] folds) {
    this.values = values;
    this.fold = fold;
    this.folds = folds;
  }

  /**
   * Values that one connection answered.
   *
   * @param values the values, null where absent
   * @param fold the connection's fold
   * @return the replies
   */
  public static Replies of(List<byte @Nullable []> values, long fold) {
    return new Replies(values, fold, null);
  }

  /**
   * Values that several connections answered.
   *
   * @param values the values, null where absent
   * @param folds per value, the fold of the connection that answered it
   * @return the replies
   */
  public static Replies of(List<byte @Nullable []> values, long[] folds) {
    return new Replies(values, 0, folds);
  }

  /**
   * The values in the order asked.
   *
   * @return the values, null where absent
   */
  public List<byte @Nullable []> values() {
    return values;
  }

  /**
   * The fold of the incarnation that answered one value.
   *
   * @param index the value's index
   * @return its fold
   */
  public long fold(int index) {
    long[] f = folds;
    return f == null ? fold : f[index];
  }
}
