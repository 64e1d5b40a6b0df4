package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * A value could not be encoded or decoded by the codec: it has no serializable properties, has a
 * cycle, or its type cannot be rebuilt from the stored form.
 */
public class CacheSerializationException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public CacheSerializationException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public CacheSerializationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
