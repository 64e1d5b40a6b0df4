package dev.layercache.examples.blog;

import java.util.Map;

/**
 * A fully rendered article page: the article, its author and latest comments, as HTML.
 *
 * @param articleId the article
 * @param authorId who wrote it
 * @param title the title
 * @param commentCount how many comments the article has
 * @param html the rendered page
 * @param version the article row's version
 */
public record ArticlePage(
    long articleId, long authorId, String title, int commentCount, String html, long version)
    implements Versioned {
  @Override
  public Map<String, Long> versions() {
    return Map.of(Entities.article(articleId), version);
  }
}
