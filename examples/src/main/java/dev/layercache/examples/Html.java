package dev.layercache.examples;

/** HTML escaping, for the rendered article pages and the benchmark report alike. */
public final class Html {
  private Html() {}

  /**
   * Appends text with {@code < > & " '} escaped, so it can stand in element content and in quoted
   * attribute values.
   *
   * @param sb where to append
   * @param text the text
   * @return {@code sb}
   */
  public static StringBuilder escape(StringBuilder sb, String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          sb.append(ch);
      }
    }
    return sb;
  }

  /**
   * Escapes text.
   *
   * @param text the text
   * @return the escaped text
   */
  public static String escape(String text) {
    return escape(new StringBuilder(text.length() + 16), text).toString();
  }
}
