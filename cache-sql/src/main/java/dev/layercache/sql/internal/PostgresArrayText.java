package dev.layercache.sql.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL's array text ({@code {1,2,NULL}}, {@code {{"a b",c},{d,e}}}, with an optional {@code
 * [0:2]=} bounds prefix) read into nested lists, and those lists built into the typed, possibly
 * multi-dimensional Java arrays the driver returns.
 */
final class PostgresArrayText {
  /** Decodes one element's text. */
  interface ElementDecoder {
    Object decode(String text) throws SQLException;
  }

  private PostgresArrayText() {}

  /**
   * The elements of the outermost dimension: strings, nulls or nested lists. Read as the driver
   * reads it, text outside braces included (nothing before the first brace is an element; the last
   * character always ends one).
   */
  static List<Object> parse(String text) {
    char[] chars = text.toCharArray();
    List<Object> root = new ArrayList<>();
    List<List<Object>> open = new ArrayList<>();
    List<Object> current = root;
    StringBuilder element = null;
    boolean quoted = false;
    boolean wasQuoted = false;
    int i = 0;
    if (chars.length > 0 && chars[0] == '[') {
      while (chars[i] != '=') {
        i++;
      }
      i++;
    }
    for (; i < chars.length; i++) {
      char ch = chars[i];
      if (ch == '\\') {
        i++;
      } else if (!quoted && ch == '{') {
        if (open.isEmpty()) {
          open.add(root);
        } else {
          List<Object> nested = new ArrayList<>();
          open.get(open.size() - 1).add(nested);
          open.add(nested);
        }
        current = open.get(open.size() - 1);
        element = new StringBuilder();
        continue;
      } else if (ch == '"') {
        quoted = !quoted;
        wasQuoted = true;
        continue;
      } else if (!quoted && isWhitespace(ch)) {
        continue;
      } else if ((!quoted && (ch == ',' || ch == '}')) || i == chars.length - 1) {
        if (ch != '"' && ch != '}' && ch != ',' && element != null) {
          element.append(ch);
        }
        String e = element == null ? null : element.toString();
        if (e != null && (!e.isEmpty() || wasQuoted)) {
          current.add(!wasQuoted && e.equals("NULL") ? null : e);
        }
        wasQuoted = false;
        element = new StringBuilder();
        if (ch == '}') {
          open.remove(open.size() - 1);
          if (!open.isEmpty()) {
            current = open.get(open.size() - 1);
          }
          element = null;
        }
        continue;
      }
      if (element != null && i < chars.length) {
        element.append(chars[i]);
      }
    }
    return root;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  /** A typed Java array of the elements, with as many dimensions as the lists have. */
  static Object build(List<Object> elements, Class<?> elementClass, ElementDecoder decoder)
      throws SQLException {
    int dimensions = 1;
    for (Object first = elements.isEmpty() ? null : elements.get(0);
        first instanceof List;
        first = ((List<?>) first).isEmpty() ? null : ((List<?>) first).get(0)) {
      dimensions++;
    }
    return fill(elements, elementClass, dimensions, decoder);
  }

  private static Object fill(
      List<?> elements, Class<?> elementClass, int dimensions, ElementDecoder decoder)
      throws SQLException {
    Class<?> component = elementClass;
    for (int d = 1; d < dimensions; d++) {
      component = java.lang.reflect.Array.newInstance(component, 0).getClass();
    }
    Object array = java.lang.reflect.Array.newInstance(component, elements.size());
    for (int i = 0; i < elements.size(); i++) {
      Object e = elements.get(i);
      @Nullable Object value;
      if (e == null) {
        value = null;
      } else if (e instanceof List) {
        value = fill((List<?>) e, elementClass, dimensions - 1, decoder);
      } else {
        value = decoder.decode((String) e);
      }
      java.lang.reflect.Array.set(array, i, value);
    }
    return array;
  }
}
