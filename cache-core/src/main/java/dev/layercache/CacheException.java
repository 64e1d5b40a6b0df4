package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception LayerCache throws. Unchecked: a cache is an optimisation, and the
 * failure policy turns backend trouble into misses before it reaches callers. What does reach a
 * caller is a programming or configuration error that should fail fast.
 */
public class CacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public CacheException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public CacheException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
