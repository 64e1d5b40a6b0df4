package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * A backend could not be reached or answered with an error. Reads treat it as a miss and writes as
 * a no-op, so callers normally see it only from administrative calls.
 */
public class CacheBackendException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public CacheBackendException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public CacheBackendException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
