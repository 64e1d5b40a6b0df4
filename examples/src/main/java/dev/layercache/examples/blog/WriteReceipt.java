package dev.layercache.examples.blog;

import java.util.Map;

/**
 * What a write committed: the new version of every entity it changed. Empty when the write changed
 * nothing (a friendship that already existed).
 *
 * @param committed entity names mapped to the versions the write committed
 */
public record WriteReceipt(Map<String, Long> committed) {
  /** A write that changed nothing. */
  public static final WriteReceipt NOTHING = new WriteReceipt(Map.of());

  /**
   * Copies the map so the record stays immutable.
   *
   * @param committed entity names mapped to versions
   */
  public WriteReceipt {
    committed = Map.copyOf(committed);
  }
}
