package dev.layercache.sql.internal;

import dev.layercache.CachePolicy;
import dev.layercache.sql.QueryCachePolicy;
import dev.layercache.sql.internal.SqlAnalysis.Kind;
import dev.layercache.sql.internal.SqlAnalysis.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the wrapper knows of a data source's names, read from the first connection: the database's
 * identifier rules and dialect, its identity, and the policy's table names (selection, TTLs, hidden
 * dependencies, row-security exceptions) normalized with those rules; and how a statement's tables
 * resolve to tags. Immutable and thread-safe.
 */
final class TableResolution {
  final IdentifierRules rules;
  final DriverConversions conversions;
  final boolean implicitCommits;
  final Dialect dialect;
  final byte[] identity;
  final @Nullable String defaultSchema;
  final QueryCachePolicy policy;
  final Set<String> listedQualified = new HashSet<>();
  final Set<String> rowSecurityAllowed = new HashSet<>();
  final Set<String> listedUnqualified = new HashSet<>();
  final Map<String, Duration> ttls = new HashMap<>();
  final Map<String, List<TableName>> hidden = new HashMap<>();

  TableResolution(Connection c, QueryCachePolicy policy) throws SQLException {
    this.rules = IdentifierRules.of(c.getMetaData());
    String product = c.getMetaData().getDatabaseProductName();
    this.conversions = DriverConversions.of(c);
    this.dialect = Dialect.of(product);
    this.implicitCommits = dialect.implicitCommits();
    this.identity = DatabaseIdentity.of(c, dialect);
    String schema;
    try {
      schema = c.getSchema();
    } catch (SQLException | AbstractMethodError e) {
      schema = null;
    }
    this.defaultSchema = schema != null ? schema : c.getCatalog();
    this.policy = policy;
    for (String t : policy.listedTables()) {
      TableName n = IdentifierRules.parse(t);
      if (n.schema() == null) {
        listedUnqualified.add(rules.normalize(n.table()));
      } else {
        listedQualified.add(rules.qualified(n, null));
      }
    }
    policy.tableTtls().forEach((t, ttl) -> ttls.put(nameKey(t), ttl));
    for (String t : policy.rowSecurityTables()) {
      rowSecurityAllowed.add("table:" + rules.qualified(IdentifierRules.parse(t), defaultSchema));
    }
    policy
        .hiddenDependencies()
        .forEach(
            (view, tables) -> {
              List<TableName> deps = new ArrayList<>();
              for (String t : tables) {
                deps.add(IdentifierRules.parse(t));
              }
              hidden.put(nameKey(view), deps);
            });
  }

  /** {@code schema.table} for qualified names, {@code .table} for unqualified ones. */
  private String nameKey(String written) {
    TableName n = IdentifierRules.parse(written);
    return n.schema() == null ? "." + rules.normalize(n.table()) : rules.qualified(n, null);
  }

  private <V> @Nullable V lookup(Map<String, V> map, String qualified, String table) {
    V v = map.get(qualified);
    return v != null ? v : map.get("." + table);
  }

  /** Adds a table and, transitively, its declared hidden dependencies. */
  void expand(
      TableName name, @Nullable String schema, Set<String> out, Map<String, String> tableOf) {
    expand(name, schema, out, tableOf, DatabaseCatalog.EMPTY);
  }

  void expand(
      TableName name,
      @Nullable String schema,
      Set<String> out,
      Map<String, String> tableOf,
      DatabaseCatalog catalog) {
    String q = rules.qualified(name, schema);
    String table = rules.normalize(name.table());
    expandQualified(q, table, schema, out, tableOf, catalog);
  }

  /** Adds a table and, transitively, what it reads: declared dependencies and view bodies. */
  private void expandQualified(
      String q,
      String table,
      @Nullable String schema,
      Set<String> out,
      Map<String, String> tableOf,
      DatabaseCatalog catalog) {
    if (!out.add(q)) {
      return;
    }
    tableOf.put(q, table);
    List<TableName> deps = lookup(hidden, q, table);
    if (deps != null) {
      for (TableName d : deps) {
        expand(d, schema, out, tableOf, catalog);
      }
    }
    List<String> viewReads = catalog.viewReads(q);
    if (viewReads != null) {
      for (String base : viewReads) {
        expandQualified(
            base, base.substring(base.lastIndexOf('.') + 1), schema, out, tableOf, catalog);
      }
    }
  }

  /**
   * The tags of a statement's tables. An unqualified name is tagged in every schema of the search
   * path: reads then depend on whichever table the database picks, and a write, tagged the same
   * way, bumps every table it may have written.
   */
  ResolvedTables resolve(SqlAnalysis a, List<String> path, DatabaseCatalog catalog) {
    boolean write = a.kind() == Kind.WRITE;
    List<TableName> names = write ? a.writtenTables() : a.readTables();
    Set<String> qualified = new LinkedHashSet<>();
    Map<String, String> tableOf = new LinkedHashMap<>();
    String schema = path.isEmpty() ? null : path.get(0);
    for (TableName n : names) {
      if (n.schema() != null || path.size() <= 1) {
        expand(n, schema, qualified, tableOf, catalog);
      } else {
        for (String s : path) {
          expand(n, s, qualified, tableOf, catalog);
        }
      }
    }
    boolean triggers = false;
    String volatileView = null;
    if (write) {
      // Cascading foreign keys write the referencing tables too, transitively.
      java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(qualified);
      while (!todo.isEmpty()) {
        String q = todo.poll();
        triggers |= catalog.hasTriggers(q);
        for (String child : catalog.cascadesTo(q)) {
          if (qualified.add(child)) {
            tableOf.put(child, child.substring(child.lastIndexOf('.') + 1));
            todo.add(child);
          }
        }
      }
    } else {
      for (String q : qualified) {
        if (catalog.isVolatileView(q)) {
          volatileView = q;
          break;
        }
      }
    }
    List<String> tags = new ArrayList<>(qualified.size());
    Duration ttl = policy.defaultTtl();
    boolean selected = true;
    boolean anyListed = false;
    for (String q : qualified) {
      tags.add("table:" + q);
      String table = tableOf.get(q);
      boolean listed = listedQualified.contains(q) || listedUnqualified.contains(table);
      anyListed |= listed;
      if (policy.tableSelection() == QueryCachePolicy.TableSelection.ONLY_LISTED && !listed) {
        selected = false;
      }
      Duration t = lookup(ttls, q, table);
      if (t != null && t.compareTo(ttl) < 0) {
        ttl = t;
      }
    }
    if (policy.tableSelection() == QueryCachePolicy.TableSelection.ALL_BUT_LISTED && anyListed) {
      selected = false;
    }
    CachePolicy cachePolicy =
        CachePolicy.builder().ttl(ttl).tags(tags).tags(QueryCaching.EPOCH_TAG).build();
    return new ResolvedTables(List.copyOf(tags), selected, cachePolicy, triggers, volatileView);
  }
}
