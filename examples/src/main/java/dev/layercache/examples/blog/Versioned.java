package dev.layercache.examples.blog;

import java.util.Map;

/**
 * An answer that names the versions of the rows it was built from, so a reader can check that it is
 * not older than what a writer has already committed.
 */
public interface Versioned {
  /**
   * The versions this answer was built from, read before (or with) the data they cover.
   *
   * @return entity names such as {@code article:42} mapped to versions
   */
  Map<String, Long> versions();
}
