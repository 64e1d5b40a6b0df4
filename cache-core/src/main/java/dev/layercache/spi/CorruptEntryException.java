package dev.layercache.spi;

import dev.layercache.CacheSerializationException;

/**
 * Stored bytes are not a readable entry: foreign, truncated, or of another format version. The core
 * treats such an entry as a miss and deletes it.
 */
public class CorruptEntryException extends CacheSerializationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what is wrong with the bytes
   */
  public CorruptEntryException(String message) {
    super(message);
  }
}
