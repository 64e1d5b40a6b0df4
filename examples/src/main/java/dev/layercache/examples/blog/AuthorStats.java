package dev.layercache.examples.blog;

import java.util.List;
import java.util.Map;

/**
 * Statistics about an author's articles, computed by aggregate queries over all their comments.
 *
 * @param authorId the author
 * @param articles how many articles the author wrote
 * @param comments how many comments those articles received
 * @param commenters how many distinct users commented
 * @param commentChars the total length of those comments
 * @param topCommenters the users who commented most, most active first
 * @param version the version of the author's statistics
 */
public record AuthorStats(
    long authorId,
    long articles,
    long comments,
    long commenters,
    long commentChars,
    List<Friend> topCommenters,
    long version)
    implements Versioned {
  /**
   * Copies the list so the record stays immutable.
   *
   * @param authorId the author
   * @param articles how many articles the author wrote
   * @param comments how many comments those articles received
   * @param commenters how many distinct users commented
   * @param commentChars the total length of those comments
   * @param topCommenters the users who commented most
   * @param version the version of the author's statistics
   */
  public AuthorStats {
    topCommenters = List.copyOf(topCommenters);
  }

  @Override
  public Map<String, Long> versions() {
    return Map.of(Entities.stats(authorId), version);
  }
}
