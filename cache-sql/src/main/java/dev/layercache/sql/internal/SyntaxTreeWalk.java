package dev.layercache.sql.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.WithItem;
import org.jspecify.annotations.Nullable;

/**
 * Visits every node of a JSqlParser tree through its public getters and collects the tables,
 * functions and CTE names. JSqlParser's own visitors skip some expression shapes (a function under
 * {@code IS NULL}, say), and a missed table would mean a stale read; walking the getters misses
 * nothing. Runs once per distinct SQL string (the analysis is cached).
 */
final class SyntaxTreeWalk {
  private static final Map<Class<?>, List<Method>> GETTERS = new ConcurrentHashMap<>();
  private static final String ROOT = "net.sf.jsqlparser.";
  private static final String PARSER = "net.sf.jsqlparser.parser.";
  private static final Set<String> NILADIC =
      Set.of(
          "localtimestamp",
          "localtime",
          "current_timestamp",
          "current_date",
          "current_time",
          "sysdate",
          "systimestamp",
          "current_user",
          "session_user",
          "current_role",
          "current_schema",
          "current_catalog");
  private static final Set<String> CLOCK_LITERALS = Set.of("now", "today", "tomorrow", "yesterday");

  final List<Table> tables = new ArrayList<>();
  final Set<String> functions = new LinkedHashSet<>();
  final Set<String> cteNames = new LinkedHashSet<>();
  boolean userVariables; // MySQL's @x: session state the key does not hold
  // A data-modifying statement below the root (PostgreSQL's WITH d AS (DELETE ...) ...): the
  // statement writes more than its top-level table, whatever its top-level kind.
  boolean nestedWrite;
  private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

  static SyntaxTreeWalk of(Object root) {
    SyntaxTreeWalk w = new SyntaxTreeWalk();
    w.visit(root, 0);
    return w;
  }

  private void visit(@Nullable Object node, int depth) {
    if (node == null || depth > 500 || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?>) {
      for (Object o : (Collection<?>) node) {
        visit(o, depth + 1);
      }
      return;
    }
    if (node instanceof Object[]) {
      for (Object o : (Object[]) node) {
        visit(o, depth + 1);
      }
      return;
    }
    String className = node.getClass().getName();
    if (!className.startsWith(ROOT) || className.startsWith(PARSER)) {
      return;
    }
    if (node instanceof Column) {
      // Its qualifier is a table name or an alias, never a table read of its own. Unqualified,
      // some names are niladic functions the parser takes for columns (H2's LOCALTIMESTAMP).
      Column col = (Column) node;
      if (col.getTable() == null || col.getTable().getName() == null) {
        String n = col.getColumnName().toLowerCase(Locale.ROOT);
        if (NILADIC.contains(n)) {
          functions.add(n);
        }
      }
      return;
    }
    if (node instanceof net.sf.jsqlparser.expression.StringValue) {
      // '(now'|'today'|...)::timestamp: a literal whose value is the clock.
      String v =
          ((net.sf.jsqlparser.expression.StringValue) node)
              .getValue()
              .trim()
              .toLowerCase(Locale.ROOT);
      if (CLOCK_LITERALS.contains(v)) {
        functions.add("now");
      }
      return;
    }
    if (depth > 0 && isDataModifying(node)) {
      nestedWrite = true;
    }
    if (node instanceof Table) {
      tables.add((Table) node);
    } else if (node instanceof Function) {
      String n = ((Function) node).getName();
      if (n != null) {
        functions.add(lastPart(n));
      }
    } else if (node instanceof TimeKeyExpression) {
      String s = ((TimeKeyExpression) node).getStringValue().trim().toLowerCase(Locale.ROOT);
      functions.add(s.split("[\\s(]")[0]);
    } else if (node instanceof net.sf.jsqlparser.expression.UserVariable) {
      userVariables = true;
    } else if (node instanceof NextValExpression) {
      functions.add("nextval");
    } else if (node instanceof WithItem && ((WithItem) node).getAlias() != null) {
      cteNames.add(lastPart(((WithItem) node).getAlias().getName()));
    }
    for (Method m : getters(node.getClass())) {
      Object child;
      try {
        child = m.invoke(node);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue; // a getter that cannot answer has nothing to visit
      }
      visit(child, depth + 1);
    }
  }

  private static boolean isDataModifying(Object node) {
    return node instanceof net.sf.jsqlparser.statement.insert.Insert
        || node instanceof net.sf.jsqlparser.statement.update.Update
        || node instanceof net.sf.jsqlparser.statement.delete.Delete
        || node instanceof net.sf.jsqlparser.statement.merge.Merge
        || node instanceof net.sf.jsqlparser.statement.upsert.Upsert;
  }

  static String lastPart(String name) {
    String n = name.substring(name.lastIndexOf('.') + 1).trim();
    if (n.length() >= 2 && (n.charAt(0) == '"' || n.charAt(0) == '`')) {
      n = n.substring(1, n.length() - 1);
    }
    return n.toLowerCase(Locale.ROOT);
  }

  private static List<Method> getters(Class<?> type) {
    return GETTERS.computeIfAbsent(
        type,
        t -> {
          List<Method> out = new ArrayList<>();
          for (Method m : t.getMethods()) {
            Class<?> r = m.getReturnType();
            if (m.getParameterCount() == 0
                && !Modifier.isStatic(m.getModifiers())
                && (m.getName().startsWith("get") || m.getName().startsWith("is"))
                && !m.getName().equals("getClass")
                && !m.getName().equals("getASTNode")
                && !r.isPrimitive()
                && r != String.class
                && !r.isEnum()
                && m.getDeclaringClass().getName().startsWith(ROOT)) {
              out.add(m);
            }
          }
          return List.copyOf(out);
        });
  }
}
