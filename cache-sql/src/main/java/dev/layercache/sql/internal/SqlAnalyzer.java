package dev.layercache.sql.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.layercache.sql.internal.SqlAnalysis.Kind;
import dev.layercache.sql.internal.SqlAnalysis.TableName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SavepointStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UseStatement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import org.jspecify.annotations.Nullable;

/**
 * Classifies SQL strings with JSqlParser and remembers the analysis of each distinct string in a
 * bounded Caffeine cache. Thread-safe.
 */
final class SqlAnalyzer {
  // Transaction and session statements that JSqlParser does not always read; recognized first.
  // One statement only (no ';' but a last one): "BEGIN; UPDATE ..." is several statements.
  // MariaDB's BEGIN NOT ATOMIC opens a compound statement, not a transaction.
  private static final Pattern BEGIN =
      Pattern.compile("(?is)^\\s*(begin(?!\\s+not\\s+atomic)|start\\s+transaction)\\b[^;]*;?\\s*$");
  private static final Pattern SAVEPOINT =
      Pattern.compile(
          "(?is)^\\s*(savepoint|release(\\s+savepoint)?"
              + "|rollback(\\s+(work|transaction))?\\s+to(\\s+savepoint)?)\\s+[^;\\s]+\\s*;?\\s*$");
  // Statements after which the wrapper cannot tell whether a transaction is open or how it reads.
  private static final Pattern TRANSACTION_MODE =
      Pattern.compile(
          "(?is)^\\s*set\\b[^;]*\\b(autocommit|transaction|characteristics|completion_type)\\b"
              + "[^;]*;?\\s*$");
  private static final Pattern END =
      Pattern.compile("(?is)^\\s*(commit|rollback|end|abort)(\\s+(work|transaction))?\\s*;?\\s*$");
  private static final Pattern SESSION =
      Pattern.compile("(?is)^\\s*(set|reset|use|discard)\\b[^;]*;?\\s*$");
  private static final Pattern SHOW =
      Pattern.compile("(?is)^\\s*(show|describe|desc)\\b[^;]*;?\\s*$");
  private static final Pattern LOCKING_READ =
      Pattern.compile(
          "(?is).*\\b(lock\\s+in\\s+share\\s+mode|for\\s+(update|share|no\\s+key\\s+update|key\\s+share))\\b.*");

  private final Cache<String, SqlAnalysis> analyses;
  private final Set<String> volatileFunctions;
  private final String cacheHint;
  private final String noCacheHint;

  SqlAnalyzer(int size, Set<String> volatileFunctions, String cacheHint, String noCacheHint) {
    this.analyses = Caffeine.newBuilder().maximumSize(size).build();
    this.volatileFunctions = volatileFunctions;
    this.cacheHint = cacheHint;
    this.noCacheHint = noCacheHint;
  }

  SqlAnalysis analyze(String sql) {
    return analyses.get(sql, this::analyzeNow);
  }

  private SqlAnalysis analyzeNow(String sql) {
    if (BEGIN.matcher(sql).matches()) {
      return SqlAnalysis.of(sql, Kind.BEGIN);
    }
    if (END.matcher(sql).matches()) {
      return SqlAnalysis.of(sql, Kind.END_TRANSACTION);
    }
    if (SAVEPOINT.matcher(sql).matches()) {
      return SqlAnalysis.of(sql, Kind.SAVEPOINT);
    }
    if (TRANSACTION_MODE.matcher(sql).matches()) {
      return SqlAnalysis.of(sql, Kind.TRANSACTION_MODE);
    }
    Statement statement;
    try {
      CCJSqlParser parser = CCJSqlParserUtil.newParser(sql);
      Statements statements = parser.Statements();
      if (statements.size() != 1) {
        return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
      }
      statement = statements.get(0);
    } catch (Exception | StackOverflowError e) {
      // Unreadable SQL could write anything, except for plain session and SHOW statements.
      if (SESSION.matcher(sql).matches()) {
        return SqlAnalysis.of(sql, Kind.SESSION);
      }
      if (SHOW.matcher(sql).matches()) {
        return SqlAnalysis.of(sql, Kind.PASSTHROUGH);
      }
      return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
    }
    try {
      return classify(sql, statement);
    } catch (RuntimeException e) {
      // The finder does not support every statement shape: be conservative.
      return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
    }
  }

  private SqlAnalysis classify(String sql, Statement statement) {
    if (statement instanceof Select) {
      return read(sql, (Select) statement);
    }
    if (statement instanceof Insert) {
      Insert insert = (Insert) statement;
      return write(sql, statement, List.of(insert.getTable()));
    }
    if (statement instanceof Upsert) {
      return write(sql, statement, List.of(((Upsert) statement).getTable()));
    }
    if (statement instanceof Merge) {
      return write(sql, statement, List.of(((Merge) statement).getTable()));
    }
    if (statement instanceof Update || statement instanceof Delete) {
      // Multi-table forms (MySQL UPDATE a JOIN b, DELETE a, b FROM ...) write joined tables too:
      // every table the statement names is treated as written.
      return write(sql, statement, null);
    }
    if (statement instanceof Truncate) {
      Truncate t = (Truncate) statement;
      if (TRUNCATE_CASCADE.matcher(sql).matches()) {
        // PostgreSQL empties every table that references it too, whatever its foreign keys say.
        return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
      }
      List<Table> tables = List.of(t.getTable());
      return write(sql, statement, tables);
    }
    if (statement instanceof RollbackStatement
        && ((RollbackStatement) statement).getSavepointName() != null) {
      return SqlAnalysis.of(sql, Kind.SAVEPOINT); // the transaction stays open
    }
    if (statement instanceof Commit || statement instanceof RollbackStatement) {
      return SqlAnalysis.of(sql, Kind.END_TRANSACTION);
    }
    if (statement instanceof SavepointStatement) {
      return SqlAnalysis.of(sql, Kind.SAVEPOINT);
    }
    if (statement instanceof SetStatement || statement instanceof UseStatement) {
      return SqlAnalysis.of(sql, Kind.SESSION);
    }
    if (statement instanceof ShowStatement
        || statement instanceof ShowColumnsStatement
        || statement instanceof ShowTablesStatement
        || statement instanceof DescribeStatement) {
      return SqlAnalysis.of(sql, Kind.PASSTHROUGH);
    }
    if (statement instanceof ExplainStatement) {
      // EXPLAIN ANALYZE runs the statement; only an explained query is harmless.
      ExplainStatement e = (ExplainStatement) statement;
      return e.getStatement() != null && !sql.toLowerCase(Locale.ROOT).contains("analyze")
          ? SqlAnalysis.of(sql, Kind.PASSTHROUGH)
          : SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
    }
    // DDL, CALL/EXECUTE, GRANT, anything else.
    return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
  }

  private SqlAnalysis read(String sql, Select select) {
    SyntaxTreeWalk walk = SyntaxTreeWalk.of(select);
    if (walk.nestedWrite) {
      // WITH d AS (DELETE ... RETURNING ...) SELECT ...: a write, never a cached read.
      return write(sql, select, null);
    }
    List<TableName> tables = tablesOf(walk);
    String comments = comments(sql);
    boolean optIn = comments.contains(cacheHint);
    String reason = null;
    if (comments.contains(noCacheHint)) {
      reason = "no-cache hint";
    } else if (hasLockingClause(select) || LOCKING_READ.matcher(sql).matches()) {
      reason = "locking read";
    } else if (hasInto(select)) {
      return new SqlAnalysis(sql, Kind.UNKNOWN_WRITE, tables, List.of(), "select into", false);
    } else if (walk.userVariables) {
      reason = "reads or sets a user variable";
    } else {
      for (String fn : walk.functions) {
        if (volatileFunctions.contains(fn)) {
          reason = "volatile function " + fn;
          break;
        }
      }
    }
    boolean changesSession = walk.userVariables || walk.functions.contains("set_config");
    if (changesSession && reason == null) {
      reason = "changes the session (set_config)";
    }
    return new SqlAnalysis(
        sql, Kind.READ, tables, List.of(), reason, optIn, changesSession, walk.functions);
  }

  private static boolean hasLockingClause(Select select) {
    if (select.getForMode() != null) {
      return true;
    }
    if (select instanceof SetOperationList) {
      for (Select s : ((SetOperationList) select).getSelects()) {
        if (hasLockingClause(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasInto(Select select) {
    if (select instanceof PlainSelect) {
      PlainSelect p = (PlainSelect) select;
      return (p.getIntoTables() != null && !p.getIntoTables().isEmpty())
          || p.getIntoTempTable() != null;
    }
    return false;
  }

  private SqlAnalysis write(String sql, Statement statement, @Nullable List<Table> written) {
    SyntaxTreeWalk walk = SyntaxTreeWalk.of(statement);
    List<TableName> all = tablesOf(walk);
    List<TableName> writes;
    if (written == null || walk.nestedWrite) {
      writes = all;
    } else {
      writes = new ArrayList<>();
      for (Table t : written) {
        if (t != null) {
          writes.add(name(t));
        }
      }
    }
    for (String fn : walk.functions) {
      // A write calling a function may have effects elsewhere; nextval etc. are harmless.
      if (fn.equals("setval")) {
        return SqlAnalysis.of(sql, Kind.UNKNOWN_WRITE);
      }
    }
    return new SqlAnalysis(sql, Kind.WRITE, all, writes, "write", false, false, walk.functions);
  }

  private static final Pattern TRUNCATE_CASCADE = Pattern.compile("(?is).*\\bcascade\\b.*");
  private static final Pattern CREATE_TEMPORARY =
      Pattern.compile(
          "(?is)^\\s*create\\s+(global\\s+|local\\s+)?temp(orary)?\\s+table\\s+"
              + "(if\\s+not\\s+exists\\s+)?([^\\s(;]+).*");

  /** The name of the temporary table a statement creates, or null. */
  static @Nullable String createdTemporaryTable(String sql) {
    java.util.regex.Matcher m = CREATE_TEMPORARY.matcher(sql);
    return m.matches() ? m.group(4) : null;
  }

  static TableName name(Table t) {
    List<String> parts = t.getNameParts();
    String table = parts.get(0);
    String schema = parts.size() > 1 ? parts.get(1) : null;
    return new TableName(table, schema);
  }

  /**
   * The tables of a walk. A name that is also a CTE's is kept: whether it means the CTE or a table
   * depends on where it stands (a CTE is visible only in its own WITH), and a table missed would be
   * a stale read, while a tag too many costs only its version's read.
   */
  private static List<TableName> tablesOf(SyntaxTreeWalk walk) {
    Set<TableName> result = new LinkedHashSet<>();
    for (Table t : walk.tables) {
      result.add(name(t));
    }
    return new ArrayList<>(result);
  }

  /**
   * The text of a statement's comments ({@code /* ... *}{@code /} and {@code -- ...}), outside
   * string literals and quoted identifiers: cache hints are read from here only, so a value such as
   * {@code WHERE note = '/*+cache*}{@code /'} opts nothing in.
   */
  static String comments(String sql) {
    StringBuilder out = new StringBuilder();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int j = i + 1;
        while (j < n) {
          char d = sql.charAt(j);
          if (d == '\\' && c == '\'' && j + 1 < n) {
            j += 2; // MySQL's backslash escapes; harmless elsewhere (a literal ends later)
            continue;
          }
          if (d == c) {
            if (j + 1 < n && sql.charAt(j + 1) == c) {
              j += 2; // a doubled quote
              continue;
            }
            break;
          }
          j++;
        }
        i = j + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end).append(' ');
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end).append(' ');
        i = end;
      } else {
        i++;
      }
    }
    return out.toString();
  }
}
