package dev.layercache.sql.internal;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.sql.QueryCachePolicy;
import dev.layercache.sql.internal.SqlAnalysis.Kind;
import dev.layercache.sql.internal.SqlAnalysis.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The query cache of one {@link dev.layercache.sql.CachingDataSource}: decides for each statement
 * whether it is served from the cache, filled into it, or passed through, and which tags a write
 * bumps and when. Thread-safe; per-connection state lives in {@link ConnectionHandler}.
 */
public final class QueryCaching {
  /** When writes bump their tables. Only {@link #FULL} is safe; the others exist for tests. */
  public enum InvalidationTiming {
    /**
     * Before and after an auto-commit write; at the first write and at the end of a transaction.
     */
    FULL,
    /** Only when the write executes: nothing after an auto-commit write or at commit (unsafe). */
    WRITE_ONLY,
    /** Never (unsafe). */
    NONE
  }

  /** The tag every query entry depends on, bumped by writes the wrapper cannot analyze. */
  public static final String EPOCH_TAG = "sql:epoch";

  private static final String KEY_NAME = "sql";

  /** A JDBC call. */
  interface SqlCall<T> {
    @Nullable T call() throws SQLException;
  }

  private final DataSource dataSource;
  private final LayerCache cache;
  private final QueryCachePolicy policy;
  private final InvalidationTiming timing;
  private final SqlAnalyzer analyzer;
  private final Map<Object, SessionFacts> sessions =
      Collections.synchronizedMap(new WeakHashMap<>());
  private volatile @Nullable Resolution resolution;

  /**
   * Creates the query cache of a data source.
   *
   * @param dataSource the real data source
   * @param cache where results are cached
   * @param policy what is cached
   * @param timing when writes invalidate; {@link InvalidationTiming#FULL} outside tests
   */
  public QueryCaching(
      DataSource dataSource, LayerCache cache, QueryCachePolicy policy, InvalidationTiming timing) {
    this.dataSource = dataSource;
    this.cache = cache;
    this.policy = policy;
    this.timing = timing;
    this.analyzer =
        new SqlAnalyzer(
            policy.analysisCacheSize(),
            policy.volatileFunctions(),
            policy.cacheHint(),
            policy.noCacheHint());
  }

  /**
   * Wraps a connection of the real data source.
   *
   * @param connection the driver's (or pool's) connection
   * @return the caching connection
   * @throws SQLException if the database metadata cannot be read
   */
  public Connection wrap(Connection connection) throws SQLException {
    resolution(connection);
    Object physical =
        connection.isWrapperFor(Connection.class)
            ? connection.unwrap(Connection.class)
            : connection;
    SessionFacts facts = sessions.computeIfAbsent(physical, k -> new SessionFacts());
    return new ConnectionHandler(this, connection, facts).proxy(Connection.class);
  }

  /**
   * Invalidates every cached result that reads one of these tables.
   *
   * @param tables names as in SQL, optionally schema-qualified
   * @throws SQLException if a connection is needed to learn the identifier rules and fails
   */
  public void invalidateTables(String... tables) throws SQLException {
    Resolution r = resolution(null);
    Set<String> qualified = new LinkedHashSet<>();
    for (String t : tables) {
      r.expand(IdentifierRules.parse(t), r.defaultSchema, qualified, new HashMap<>());
    }
    List<String> tags = new ArrayList<>();
    for (String q : qualified) {
      tags.add("table:" + q);
    }
    cache.invalidateTags(tags);
  }

  /** Invalidates every cached query result of this data source. */
  public void invalidateAll() {
    cache.invalidateTags(EPOCH_TAG);
  }

  SqlAnalysis analyze(String sql) {
    return analyzer.analyze(sql);
  }

  // ---------------------------------------------------------------- reads

  /**
   * Runs a query through the cache. Returns the cached or materialized result, the driver's result
   * (wrapped) when not cached, or null when the statement produced no result set.
   */
  @Nullable ResultSet query(
      StatementHandler st, SqlAnalysis a, @Nullable BoundParameters params, SqlCall<ResultSet> run)
      throws SQLException {
    ConnectionHandler conn = st.conn;
    conn.facts.load(conn.connection);
    ResolvedTables rt = resolve(a, conn.facts);
    boolean serve =
        a.uncacheableReason() == null
            && (rt.selected() || a.hasCacheHint())
            && st.resultSetConcurrency() == ResultSet.CONCUR_READ_ONLY;
    boolean fill = serve;
    boolean inTransaction = conn.inTransaction();
    // A REPEATABLE READ (or stricter) transaction reads a snapshot that may predate the current
    // tag versions.
    boolean oldSnapshot = inTransaction && conn.readsOldSnapshot();
    String unknownTransaction = conn.transactionUnknown();
    if (unknownTransaction != null) {
      cache.markUncacheable(unknownTransaction);
      serve = false;
      fill = false;
    } else if (inTransaction && conn.isDirty(rt.tableTags())) {
      // Rows this transaction wrote and has not committed: an enclosing assembler must not put
      // what it builds from them where other connections would see it.
      cache.markUncacheable("read of a table written by the open transaction");
      serve = false;
      fill = false;
    } else if (oldSnapshot) {
      cache.markUncacheable("read in a snapshot older than the current tag versions");
      fill = false;
      serve = serve && policy.serveInRepeatableRead();
    }
    CacheKey key = serve ? key(st, a, params) : null;
    if (key == null) {
      // Not served: an enclosing assembler still learns the tables it read.
      cache.trackDependencies(rt.cachePolicy().tags());
      return live(st, a, run.call());
    }
    int type = st.resultSetType();
    int holdability = st.resultSetHoldability();
    if (!fill) {
      CachedResult hit = cache.get(key, CachedResult.class);
      if (hit != null) {
        return CachedResultSet.of(
            hit, type, holdability, (Statement) st.self(), st::resultClosed, rounding());
      }
      cache.trackDependencies(rt.cachePolicy().tags());
      return live(st, a, run.call());
    }
    try {
      CachedResult r =
          cache.get(key, CachedResult.class, rt.cachePolicy(), () -> materialize(run.call(), type));
      if (r == null) {
        throw new SQLException("cache returned no result for a query");
      }
      return CachedResultSet.of(
          r, type, holdability, (Statement) st.self(), st::resultClosed, rounding());
    } catch (UncachedResult u) {
      ResultSet live = u.live();
      ResultReader reader = u.reader();
      List<@Nullable Object[]> rows = u.rows();
      if (reader == null || rows == null) {
        return live(st, a, live);
      }
      if (live == null) {
        CachedResult complete = new CachedResult(reader.columns(), rows);
        return CachedResultSet.of(
            complete, type, holdability, (Statement) st.self(), st::resultClosed, rounding());
      }
      return CachedResultSet.resumed(
          reader, rows, live, holdability, (Statement) st.self(), st::resultClosed, rounding());
    }
  }

  private CachedResult materialize(@Nullable ResultSet rs, int type) throws SQLException {
    if (rs == null) {
      throw new UncachedResult(null, null, null);
    }
    Resolution res = resolution;
    ResultReader reader = ResultReader.forResult(rs, res != null && res.integersPrintPlain);
    if (reader == null) {
      throw new UncachedResult(rs, null, null);
    }
    List<@Nullable Object[]> rows = new ArrayList<>();
    long bytes = 0;
    boolean over = false;
    while (rs.next()) {
      Object[] row = reader.readRow(rs);
      rows.add(row);
      bytes += CellValues.estimate(row);
      if (!over && (rows.size() > policy.maxRows() || bytes > policy.maxBytes())) {
        if (type == ResultSet.TYPE_FORWARD_ONLY) {
          // Hand the caller what was read and the rest as it streams; the query runs once.
          throw new UncachedResult(rs, reader, rows);
        }
        over = true; // a scrollable result is read whole anyway; just do not cache it
      }
    }
    rs.close();
    if (over) {
      throw new UncachedResult(null, reader, rows);
    }
    return new CachedResult(reader.columns(), rows);
  }

  private @Nullable CacheKey key(
      StatementHandler st, SqlAnalysis a, @Nullable BoundParameters params) throws SQLException {
    SessionFacts facts = st.conn.facts;
    CacheKey.Builder b = CacheKey.builder(KEY_NAME);
    addNullable(b, facts.catalog());
    addNullable(b, facts.schema());
    // The SQL's digest rather than its text: a long query would otherwise be encoded, hashed and
    // compared in full on every execution.
    b.addEncoded(SqlAnalysis.SQL_DIGEST_LABEL, a.sqlDigest());
    b.add(st.resultSetType());
    b.add(st.resultSetConcurrency());
    b.add(st.resultSetHoldability());
    // Asked each time: unlike the result-set shape, these can change between executions.
    b.add(st.statement.getMaxRows());
    b.add(st.statement.getMaxFieldSize());
    if (params != null && !params.appendTo(b)) {
      return null;
    }
    return b.build();
  }

  private static void addNullable(CacheKey.Builder b, @Nullable String s) {
    if (s == null) {
      b.addNull();
    } else {
      b.add(s);
    }
  }

  @Nullable ResultSet live(StatementHandler st, @Nullable SqlAnalysis a, @Nullable ResultSet rs) {
    return rs == null ? null : new LiveResultSetHandler(rs, st, a).proxy(ResultSet.class);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Runs statements that write. In auto-commit mode their tables are bumped before (without
   * waiting) and after (waiting); in a transaction they are marked dirty, bumped when first written
   * (without waiting) and again when it ends (waiting): one round trip on the write's path.
   *
   * @param analyses the statements (null: unknown, bumps the epoch); reads among them count as
   *     writes of the tables they read (updatable result sets)
   */
  <T> @Nullable T write(
      ConnectionHandler conn, @Nullable List<SqlAnalysis> analyses, SqlCall<T> run)
      throws SQLException {
    Set<String> tags = new LinkedHashSet<>();
    boolean unknown = analyses == null;
    if (analyses != null) {
      for (SqlAnalysis a : analyses) {
        if (a.kind() == Kind.WRITE || a.kind() == Kind.READ) {
          conn.facts.load(conn.connection);
          tags.addAll(resolve(a, conn.facts).tableTags());
        } else if (a.kind() == Kind.UNKNOWN_WRITE) {
          unknown = true;
        }
      }
    }
    if (conn.transactionUnknown() != null) {
      // Committed now or at some later statement: dirty until the JDBC-level end, and bumped
      // after this statement too, as in auto-commit mode.
      conn.markDirty(tags, unknown);
    } else if (conn.inTransaction()) {
      Set<String> fresh = conn.markDirty(tags, unknown);
      try {
        return run.call();
      } finally {
        if (unknown && implicitCommits()) {
          // DDL commits the open transaction on MySQL and MariaDB: what it wrote is visible now.
          conn.commitSeen();
        } else if (!fresh.isEmpty() && timing != InvalidationTiming.NONE) {
          // Pre-invalidation narrows the window in which entries hold rows this transaction is
          // replacing; the commit's bump is the one correctness rests on, so this one does not
          // make the write wait for a round trip.
          cache.invalidateTagsAsync(fresh);
        }
      }
    }
    if (unknown) {
      tags.add(EPOCH_TAG);
    }
    if (tags.isEmpty()) {
      return run.call();
    }
    if (timing != InvalidationTiming.NONE) {
      cache.invalidateTagsAsync(tags);
    }
    try {
      return run.call();
    } finally {
      // The bump that matters: a reader that loaded the old rows during the write is born stale.
      if (timing == InvalidationTiming.FULL) {
        cache.invalidateTags(tags);
      }
    }
  }

  /** Whether DDL and BEGIN commit an open transaction (MySQL, MariaDB). */
  boolean implicitCommits() {
    Resolution r = resolution;
    return r != null && r.implicitCommits;
  }

  /** Post-invalidation at the end of a transaction. */
  void invalidateAtEnd(Collection<String> tags) {
    if (timing == InvalidationTiming.FULL && !tags.isEmpty()) {
      cache.invalidateTags(tags);
    }
  }

  // ---------------------------------------------------------------- tables and policy

  /** How the database turns a fractional number into an integer (H2 rounds, others truncate). */
  private java.math.RoundingMode rounding() {
    Resolution r = resolution;
    return r != null && r.roundsHalfUp
        ? java.math.RoundingMode.HALF_UP
        : java.math.RoundingMode.DOWN;
  }

  ResolvedTables resolve(SqlAnalysis a, SessionFacts facts) {
    Resolution r = resolution;
    if (r == null) {
      throw new IllegalStateException("no connection has been wrapped yet");
    }
    String schema = facts.defaultSchema();
    return a.resolved(schema == null ? "" : schema, k -> r.resolve(a, schema));
  }

  private Resolution resolution(@Nullable Connection connection) throws SQLException {
    Resolution r = resolution;
    if (r != null) {
      return r;
    }
    synchronized (this) {
      r = resolution;
      if (r == null) {
        if (connection != null) {
          r = new Resolution(connection, policy);
        } else {
          try (Connection c = dataSource.getConnection()) {
            r = new Resolution(c, policy);
          }
        }
        resolution = r;
      }
      return r;
    }
  }

  /** The policy's table names normalized with the database's identifier rules. */
  private static final class Resolution {
    final IdentifierRules rules;
    final boolean roundsHalfUp;
    final boolean integersPrintPlain;
    final boolean implicitCommits;
    final @Nullable String defaultSchema;
    final QueryCachePolicy policy;
    final Set<String> listedQualified = new HashSet<>();
    final Set<String> listedUnqualified = new HashSet<>();
    final Map<String, Duration> ttls = new HashMap<>();
    final Map<String, List<TableName>> hidden = new HashMap<>();

    Resolution(Connection c, QueryCachePolicy policy) throws SQLException {
      this.rules = IdentifierRules.of(c.getMetaData());
      String product = c.getMetaData().getDatabaseProductName();
      this.roundsHalfUp = "H2".equalsIgnoreCase(product);
      // Drivers whose getString of an integer column is always its decimal text. Not MySQL or
      // MariaDB, whose ZEROFILL columns pad it.
      this.integersPrintPlain =
          "H2".equalsIgnoreCase(product) || "PostgreSQL".equalsIgnoreCase(product);
      this.implicitCommits =
          "MySQL".equalsIgnoreCase(product) || "MariaDB".equalsIgnoreCase(product);
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
      String q = rules.qualified(name, schema);
      if (!out.add(q)) {
        return;
      }
      String table = rules.normalize(name.table());
      tableOf.put(q, table);
      List<TableName> deps = lookup(hidden, q, table);
      if (deps != null) {
        for (TableName d : deps) {
          expand(d, schema, out, tableOf);
        }
      }
    }

    ResolvedTables resolve(SqlAnalysis a, @Nullable String schema) {
      List<TableName> names = a.kind() == Kind.WRITE ? a.writtenTables() : a.readTables();
      Set<String> qualified = new LinkedHashSet<>();
      Map<String, String> tableOf = new LinkedHashMap<>();
      for (TableName n : names) {
        expand(n, schema, qualified, tableOf);
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
      CachePolicy cachePolicy = CachePolicy.builder().ttl(ttl).tags(tags).tags(EPOCH_TAG).build();
      return new ResolvedTables(List.copyOf(tags), selected, cachePolicy);
    }
  }
}
