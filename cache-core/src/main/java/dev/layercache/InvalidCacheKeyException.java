package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * A cache key, namespace or tag was rejected before any I/O: a null or unsupported part, an empty
 * or over-long name, or forbidden characters.
 */
public class InvalidCacheKeyException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public InvalidCacheKeyException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public InvalidCacheKeyException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
