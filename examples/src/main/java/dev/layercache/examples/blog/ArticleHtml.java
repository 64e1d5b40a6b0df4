package dev.layercache.examples.blog;

import dev.layercache.examples.Html;
import java.time.Instant;
import java.util.List;

/** Renders an article page as HTML, escaping every value taken from the database. */
final class ArticleHtml {
  private ArticleHtml() {}

  static String render(
      long articleId,
      String title,
      String body,
      String authorName,
      long publishedAt,
      int commentCount,
      List<CommentView> comments) {
    StringBuilder sb = new StringBuilder(body.length() + 256 + comments.size() * 200);
    sb.append("<article id=\"a").append(articleId).append("\"><h1>");
    Html.escape(sb, title).append("</h1><p class=\"byline\">by ");
    Html.escape(sb, authorName)
        .append(" on ")
        .append(Instant.ofEpochMilli(publishedAt))
        .append("</p>");
    for (String paragraph : body.split("\n\n")) {
      Html.escape(sb.append("<p>"), paragraph).append("</p>");
    }
    sb.append("<section class=\"comments\"><h2>").append(commentCount).append(" comments</h2>");
    for (CommentView c : comments) {
      sb.append("<div class=\"comment\"><b>");
      Html.escape(sb, c.userName()).append("</b> ");
      Html.escape(sb, c.body()).append("</div>");
    }
    return sb.append("</section></article>").toString();
  }
}
