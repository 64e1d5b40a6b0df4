package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * A value's encoded form exceeds the configured size limit. Nothing was stored; read-through calls
 * still return the loader's value.
 */
public class ValueTooLargeException extends CacheSerializationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public ValueTooLargeException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public ValueTooLargeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
