package dev.layercache.annotation;

import java.util.Collection;

/**
 * A write's result that names the tags it changed, for writes whose tags depend on the data rather
 * than on the method's parameters: adding a comment changes the article's page and also its
 * author's statistics, and only the write knows who the author is. Return such a result from a
 * method annotated {@code @InvalidateTags(fromResult = true)}.
 *
 * <pre>{@code
 * record Receipt(Set<String> changed) implements ChangedTags {
 *   public Collection<String> changedTags() { return changed; }
 * }
 *
 * @InvalidateTags(fromResult = true)
 * Receipt addComment(long articleId, long userId, String body);
 * }</pre>
 */
public interface ChangedTags {
  /**
   * The tags the write changed; each is invalidated after the method returned.
   *
   * @return the tags, possibly empty
   */
  Collection<String> changedTags();
}
