package dev.layercache;

import java.util.List;

/**
 * An invalidation (or a write lock) did not reach the backend, with {@link
 * LayerCache.Builder#strictInvalidation(boolean) strict invalidation} on. This process bypasses the
 * tags until a retry delivers it; other processes sharing the backend do not know of it and may
 * serve their entries until then. Thrown so that the caller can refuse the write it announced (roll
 * back the transaction) instead of committing a change the cache does not know about.
 */
public class CacheInvalidationException extends CacheBackendException {
  private static final long serialVersionUID = 1L;

  private final List<String> tags;

  /**
   * Creates the exception.
   *
   * @param message what was not delivered and why
   * @param tags the tags whose invalidation is pending
   * @param cause the backend's failure, if known
   */
  public CacheInvalidationException(String message, List<String> tags, Throwable cause) {
    super(message, cause);
    this.tags = List.copyOf(tags);
  }

  /**
   * The tags whose invalidation waits for a retry.
   *
   * @return tag names as the caller gave them (version keys for evictions)
   */
  public List<String> tags() {
    return tags;
  }
}
