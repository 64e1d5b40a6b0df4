package dev.layercache.sql.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a query's loader when its result must not be cached (over the policy's limits, or of a
 * type the cache cannot hold): the core stores nothing when a loader throws, and this carries the
 * rows already read and the live cursor back to the caller, so the query never runs twice.
 *
 * <p>A {@link SQLException} only because the loader's exception type is {@code SQLException}; it
 * never leaves the wrapper.
 */
final class UncachedResult extends SQLException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized: it never leaves the wrapper
  private final transient @Nullable ResultSet live;

  @SuppressWarnings("serial")
  private final transient @Nullable ResultReader reader;

  @SuppressWarnings("serial")
  private final transient @Nullable List<@Nullable Object[]> rows;

  UncachedResult(
      @Nullable ResultSet live,
      @Nullable ResultReader reader,
      @Nullable List<@Nullable Object[]> rows) {
    super("result not cached", null, 0, null);
    this.live = live;
    this.reader = reader;
    this.rows = rows;
  }

  /** The driver's cursor: positioned after {@link #rows()} when a reader is present. */
  @Nullable ResultSet live() {
    return live;
  }

  @Nullable ResultReader reader() {
    return reader;
  }

  @Nullable List<@Nullable Object[]> rows() {
    return rows;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // control flow, not an error: skip the stack trace
  }
}
