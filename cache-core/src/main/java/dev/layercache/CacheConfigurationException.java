package dev.layercache;

import org.jspecify.annotations.Nullable;

/** A builder was given an invalid setting. The message names the setting and the rejected value. */
public class CacheConfigurationException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value
   */
  public CacheConfigurationException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the offending value
   * @param cause the underlying failure
   */
  public CacheConfigurationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
