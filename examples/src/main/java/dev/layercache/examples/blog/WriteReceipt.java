package dev.layercache.examples.blog;

import dev.layercache.annotation.ChangedTags;
import java.util.Collection;
import java.util.Map;

/**
 * What a write committed: the new version of every entity it changed. Empty when the write changed
 * nothing (a friendship that already existed). Entity names double as cache tags, so a write
 * annotated {@code @InvalidateTags(fromResult = true)} invalidates exactly what it changed.
 *
 * @param committed entity names mapped to the versions the write committed
 */
public record WriteReceipt(Map<String, Long> committed) implements ChangedTags {
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

  /**
   * The entities the write changed, as tags.
   *
   * @return the entity names
   */
  @Override
  public Collection<String> changedTags() {
    return committed.keySet();
  }
}
