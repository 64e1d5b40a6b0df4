package dev.layercache.sql.internal;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a database stores identifiers, read once from {@link DatabaseMetaData}: PostgreSQL folds
 * unquoted names to lower case, H2 to upper case, MariaDB keeps or lowers them depending on {@code
 * lower_case_table_names}. Normalizing names with these rules makes {@code Users}, {@code "users"}
 * and {@code public.users} one tag where the database says they are one table.
 */
final class IdentifierRules {
  private enum Fold {
    LOWER,
    /** PostgreSQL folds only ASCII letters: unquoted {@code ÉTÉ} is stored as {@code ÉtÉ}. */
    LOWER_ASCII,
    UPPER,
    KEEP
  }

  private final Fold unquoted;
  private final Fold quoted;

  private IdentifierRules(Fold unquoted, Fold quoted) {
    this.unquoted = unquoted;
    this.quoted = quoted;
  }

  static IdentifierRules of(DatabaseMetaData md) throws SQLException {
    Fold lower =
        Dialect.of(md.getDatabaseProductName()) == Dialect.POSTGRESQL
            ? Fold.LOWER_ASCII
            : Fold.LOWER;
    Fold unquoted =
        md.storesLowerCaseIdentifiers()
            ? lower
            : md.storesUpperCaseIdentifiers() ? Fold.UPPER : Fold.KEEP;
    Fold quoted =
        md.storesLowerCaseQuotedIdentifiers()
            ? Fold.LOWER
            : md.storesUpperCaseQuotedIdentifiers() ? Fold.UPPER : Fold.KEEP;
    return new IdentifierRules(unquoted, quoted);
  }

  /** Rules for tests and for databases that cannot say: keep names as written. */
  static IdentifierRules keepCase() {
    return new IdentifierRules(Fold.KEEP, Fold.KEEP);
  }

  /** The stored form of one identifier as written in SQL (quotes, if any, still on). */
  String normalize(String identifier) {
    String s = identifier.trim();
    if (s.length() >= 2) {
      char first = s.charAt(0);
      char last = s.charAt(s.length() - 1);
      if ((first == '"' && last == '"') || (first == '`' && last == '`')) {
        String inner = s.substring(1, s.length() - 1).replace("" + first + first, "" + first);
        return fold(inner, quoted);
      }
      if (first == '[' && last == ']') {
        return fold(s.substring(1, s.length() - 1), quoted);
      }
    }
    return fold(s, unquoted);
  }

  /** The tag of a table: {@code table:schema.table}, or {@code table:table} without a schema. */
  String tableTag(SqlAnalysis.TableName name, @Nullable String currentSchema) {
    return "table:" + qualified(name, currentSchema);
  }

  /** {@code schema.table} in stored form, the schema defaulting to the current one. */
  String qualified(SqlAnalysis.TableName name, @Nullable String currentSchema) {
    String table = normalize(name.table());
    String schema = name.schema() != null ? normalize(name.schema()) : currentSchema;
    return schema == null ? table : schema + '.' + table;
  }

  /** Parses {@code schema.table} or {@code table} as written by a user (quotes allowed). */
  static SqlAnalysis.TableName parse(String written) {
    String s = written.trim();
    int dot = lastDotOutsideQuotes(s);
    if (dot < 0) {
      return new SqlAnalysis.TableName(s, null);
    }
    String schema = s.substring(0, dot);
    int inner = lastDotOutsideQuotes(schema);
    if (inner >= 0) {
      schema = schema.substring(inner + 1); // catalog.schema.table: the catalog is not part of it
    }
    return new SqlAnalysis.TableName(s.substring(dot + 1), schema);
  }

  private static int lastDotOutsideQuotes(String s) {
    char quote = 0;
    int last = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '`') {
        quote = c;
      } else if (c == '.') {
        last = i;
      }
    }
    return last;
  }

  private static String fold(String s, Fold fold) {
    switch (fold) {
      case LOWER:
        return s.toLowerCase(Locale.ROOT);
      case LOWER_ASCII:
        {
          char[] chars = s.toCharArray();
          for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
              chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
          }
          return new String(chars);
        }
      case UPPER:
        return s.toUpperCase(Locale.ROOT);
      default:
        return s;
    }
  }
}
