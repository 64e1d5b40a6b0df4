package dev.layercache.sql.internal;

import dev.layercache.CacheInvalidationException;
import dev.layercache.CacheKey;
import dev.layercache.LayerCache;
import dev.layercache.sql.QueryCachePolicy;
import dev.layercache.sql.internal.SqlAnalysis.Kind;
import dev.layercache.sql.internal.SqlAnalysis.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
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
    /**
     * As {@link #FULL}, but bumps instead of locking: an entry filled during a transaction is
     * served between its commit and the invalidation after it (unsafe).
     */
    WITHOUT_LOCKS,
    /** Only when the write executes: nothing after an auto-commit write or at commit (unsafe). */
    WRITE_ONLY,
    /** Never (unsafe). */
    NONE
  }

  /** The tag every query entry depends on, bumped by writes the wrapper cannot analyze. */
  public static final String EPOCH_TAG = "sql:epoch";

  private static final String KEY_NAME = "sql";

  // The stored form of a result (how each driver's cells are kept). Raised whenever that form
  // changes, so that two versions of the library sharing a backend never read each other's results.
  private static final int RESULT_FORMAT = 2;

  /** A JDBC call. */
  interface SqlCall<T> {
    @Nullable T call() throws SQLException;
  }

  private final DataSource dataSource;
  private final LayerCache cache;
  private final QueryCachePolicy policy;
  private final InvalidationTiming timing;
  private final SqlAnalyzer analyzer;
  // Custom settings (app.tenant) read into every session's state: named by the policy, seen in
  // SET and set_config through the wrapper, or read by row-level-security policies.
  private final Set<String> customSettings = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Bumped when a name is learnt: every session reads its state again, that name included.
  private final java.util.concurrent.atomic.AtomicInteger customSettingsVersion =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Map<Object, SessionFacts> sessions =
      Collections.synchronizedMap(new WeakHashMap<>());
  private volatile @Nullable TableResolution resolution;
  // Null when the catalog must be read (again) before the next cached read: at first and after DDL.
  private volatile @Nullable DatabaseCatalog catalog;
  // Function names already looked for in a fresh catalog: not asked for again (bounded).
  private final Set<String> unknownFunctions =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<String, Boolean>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > 1000;
                }
              }));
  private final java.util.concurrent.atomic.AtomicInteger catalogGeneration =
      new java.util.concurrent.atomic.AtomicInteger();

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
    for (String name : policy.sessionSettings()) {
      customSettings.add(name.toLowerCase(java.util.Locale.ROOT));
    }
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
    TableResolution r = resolution(null);
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
    loadSession(conn);
    ResolvedTables rt = resolve(a, conn.facts);
    boolean settingByExpression = false;
    if (a.functions().contains("current_setting")) {
      // current_setting('app.tenant'): that setting becomes part of every session's state.
      java.util.regex.Matcher m = CURRENT_SETTING.matcher(a.sql());
      while (m.find()) {
        if (m.group(2) == null) {
          settingByExpression = true;
        } else {
          learnSetting(conn, m.group(2));
        }
      }
      loadSession(conn);
    }
    String writer = functionThatMayWrite(conn, a);
    if (writer != null) {
      // SELECT f() where f may write: it runs, and counts as a write the wrapper cannot read.
      conn.notCached(a, "calls " + writer + ", which may write");
      cache.trackDependencies(rt.cachePolicy().tags());
      return live(st, a, write(conn, null, false, run));
    }
    String notCached = a.uncacheableReason();
    boolean notSelected = notCached == null && !rt.selected() && !a.hasCacheHint();
    if (notSelected) {
      notCached = "no table of the policy's selection";
    } else if (notCached == null && st.resultSetConcurrency() != ResultSet.CONCUR_READ_ONLY) {
      notCached = "updatable result set";
    } else if (notCached == null && settingByExpression) {
      notCached = "reads a setting named by an expression";
    } else if (notCached == null && rt.volatileView() != null) {
      notCached = "reads " + rt.volatileView() + ", a view over volatile functions";
    } else if (notCached == null) {
      notCached = volatileFunction(conn, a);
    }
    if (notCached == null) {
      notCached = sessionRefusal(conn, a, rt);
    }
    if (notCached != null) {
      conn.notCached(a, notCached);
      if (!notSelected) {
        // Volatile, session-bound (row-level security, temporary tables) or unreadable: an
        // enclosing assembler must not cache what it builds from these rows either.
        cache.markUncacheable(notCached);
      }
      if (a.mayChangeSession()) {
        settingsNamedIn(conn, a.sql());
        try {
          cache.trackDependencies(rt.cachePolicy().tags());
          return live(st, a, run.call());
        } finally {
          conn.sessionChanged(); // set_config(...), SELECT @x := ...
        }
      }
    }
    boolean serve = notCached == null;
    boolean fill = serve;
    boolean inTransaction = conn.inTransaction();
    // A REPEATABLE READ (or stricter) transaction reads a snapshot that may predate the current
    // tag versions.
    boolean oldSnapshot = inTransaction && conn.readsOldSnapshot();
    String unknownTransaction = conn.transactionUnknown();
    if (unknownTransaction != null) {
      cache.markUncacheable(unknownTransaction);
      conn.notCached(a, unknownTransaction);
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
            hit, type, holdability, (Statement) st.self(), st::resultClosed, conversions());
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
          r, type, holdability, (Statement) st.self(), st::resultClosed, conversions());
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
            complete, type, holdability, (Statement) st.self(), st::resultClosed, conversions());
      }
      return CachedResultSet.resumed(
          reader, rows, live, holdability, (Statement) st.self(), st::resultClosed, conversions());
    }
  }

  private CachedResult materialize(@Nullable ResultSet rs, int type) throws SQLException {
    if (rs == null) {
      throw new UncachedResult(null, null, null);
    }
    ResultReader reader = ResultReader.forResult(rs, conversions());
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
    CacheKey.Builder b = CacheKey.builder(KEY_NAME);
    b.add(RESULT_FORMAT);
    // Who asks, where and in which session state: database, user, role, settings, search path.
    b.addEncoded("sql.session", st.conn.facts.context());
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

  /** Reads the connection's session state if a statement may have changed it. */
  private void loadSession(ConnectionHandler conn) throws SQLException {
    TableResolution r = resolution();
    // The catalog first: the settings its row-level-security policies read are part of the state.
    catalog(conn.connection);
    conn.facts.load(
        conn.connection, r.dialect, r.identity, customSettings, customSettingsVersion.get());
  }

  private TableResolution resolution() {
    TableResolution r = resolution;
    if (r == null) {
      throw new IllegalStateException("no connection has been wrapped yet");
    }
    return r;
  }

  /**
   * Why this connection must not be served or fill this read although the statement is cacheable,
   * or null: its session state is unknown, or the read involves a temporary table or a table under
   * row-level security that the policy does not name.
   */
  private @Nullable String sessionRefusal(ConnectionHandler conn, SqlAnalysis a, ResolvedTables rt)
      throws SQLException {
    SessionFacts facts = conn.facts;
    String unreadable = facts.unreadable();
    if (unreadable != null) {
      return unreadable;
    }
    for (TableName n : a.readTables()) {
      boolean tempSchema =
          n.schema() != null && SyntaxTreeWalk.lastPart(n.schema()).startsWith("pg_temp");
      if (tempSchema || (n.schema() == null && facts.isTemporary(n.table()))) {
        return "reads a temporary table";
      }
    }
    DatabaseCatalog c = catalog(conn.connection);
    if (c == null) {
      return "the database catalog could not be read";
    }
    for (String tag : rt.tableTags()) {
      if (c.hasRowSecurity(tag.substring(6)) && !resolution().rowSecurityAllowed.contains(tag)) {
        return "reads " + tag + ", which has row-level security";
      }
    }
    return null;
  }

  private static final java.util.regex.Pattern SET_CUSTOM =
      java.util.regex.Pattern.compile(
          "(?is)^\\s*set\\s+(session\\s+|local\\s+)?\"?([A-Za-z_][\\w$]*\\.[\\w$.]+)\"?\\s*(=|to)\\b.*");
  private static final java.util.regex.Pattern CURRENT_SETTING =
      java.util.regex.Pattern.compile("(?is)current_setting\\s*\\(\\s*('([^']*)')?");
  private static final java.util.regex.Pattern SET_CONFIG =
      java.util.regex.Pattern.compile("(?is)set_config\\s*\\(\\s*('([^']*)')?");

  /**
   * Learns the names of custom settings a statement sets, so that every session's state includes
   * them from now on; a name that cannot be learnt leaves the connection's state unknown.
   */
  void settingsNamedIn(ConnectionHandler conn, String sql) {
    java.util.regex.Matcher set = SET_CUSTOM.matcher(sql);
    if (set.matches()) {
      learnSetting(conn, set.group(2));
    }
    java.util.regex.Matcher call = SET_CONFIG.matcher(sql);
    while (call.find()) {
      String name = call.group(2);
      if (name == null) {
        conn.facts.untrackedSetting();
      } else {
        learnSetting(conn, name);
      }
    }
  }

  private void learnSetting(ConnectionHandler conn, String name) {
    if (!name.contains(".")) {
      return; // a built-in setting: listed by the database itself
    }
    if (Dialect.isSettingName(name)) {
      addCustomSetting(name);
    } else {
      conn.facts.untrackedSetting();
    }
  }

  private void addCustomSetting(String name) {
    if (customSettings.add(name.toLowerCase(java.util.Locale.ROOT))) {
      customSettingsVersion.incrementAndGet();
    }
  }

  /**
   * The first function a statement calls that may write (a volatile user function), or null. A
   * catalog that cannot be read makes every user function suspect: the statement's functions that
   * are not known built-ins count as writers.
   */
  private @Nullable String functionThatMayWrite(ConnectionHandler conn, SqlAnalysis a) {
    if (a.functions().isEmpty()) {
      return null;
    }
    DatabaseCatalog c = catalog(conn.connection);
    for (String f : a.functions()) {
      if (c == null || c.function(f) == DatabaseCatalog.Volatility.MAY_WRITE) {
        if (c != null || !policy.volatileFunctions().contains(f)) {
          return f;
        }
      }
    }
    return null;
  }

  /**
   * Why a read's functions make it uncacheable, or null: each must be known to the catalog as
   * immutable or stable (or be a listed deterministic built-in). A name the catalog does not know
   * makes the wrapper read the catalog again once, in case the function is new.
   */
  private @Nullable String volatileFunction(ConnectionHandler conn, SqlAnalysis a) {
    for (String f : a.functions()) {
      DatabaseCatalog c = catalog(conn.connection);
      if (c == null) {
        return "the database catalog could not be read";
      }
      DatabaseCatalog.Volatility v = c.function(f);
      if (v == DatabaseCatalog.Volatility.UNKNOWN && unknownFunctions.add(f)) {
        catalog = null; // created since the catalog was read?
        c = catalog(conn.connection);
        v = c == null ? DatabaseCatalog.Volatility.UNKNOWN : c.function(f);
      }
      if (v != DatabaseCatalog.Volatility.SAFE) {
        return v == DatabaseCatalog.Volatility.UNKNOWN
            ? "calls " + f + ", which the catalog does not know as immutable or stable"
            : "calls " + f + ", which is volatile";
      }
    }
    return null;
  }

  /** The catalog facts, read through this connection when they are not known; null on failure. */
  private @Nullable DatabaseCatalog catalog(Connection c) {
    DatabaseCatalog known = catalog;
    if (known != null) {
      return known;
    }
    TableResolution r = resolution;
    try {
      if (r == null) {
        return DatabaseCatalog.EMPTY;
      }
      DatabaseCatalog read =
          DatabaseCatalog.read(c, r.dialect, r.rules, policy.volatileFunctions());
      for (String name : read.settingsInPolicies()) {
        if (Dialect.isSettingName(name)) {
          addCustomSetting(name);
        }
      }
      catalog = read;
      catalogGeneration.incrementAndGet();
      return read;
    } catch (SQLException e) {
      LOG.debug("database catalog not readable: {}", e.getMessage());
      return null;
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
    return write(conn, analyses, true, run);
  }

  /**
   * As {@link #write(ConnectionHandler, List, SqlCall)}; {@code ddlPossible} false when an unknown
   * write cannot have changed the catalog (a query calling a function that may write).
   */
  <T> @Nullable T write(
      ConnectionHandler conn,
      @Nullable List<SqlAnalysis> analyses,
      boolean ddlPossible,
      SqlCall<T> run)
      throws SQLException {
    Set<String> tags = new LinkedHashSet<>();
    boolean unknown = analyses == null;
    if (analyses != null) {
      for (SqlAnalysis a : analyses) {
        if (a.kind() == Kind.WRITE || a.kind() == Kind.READ) {
          loadSession(conn);
          ResolvedTables rt = resolve(a, conn.facts);
          tags.addAll(rt.tableTags());
          // Triggers may write any table; a function called by the write may too.
          unknown |= rt.firesTriggers() || functionThatMayWrite(conn, a) != null;
        } else if (a.kind() != Kind.PASSTHROUGH) {
          // DDL, procedures, unreadable SQL; a SET or transaction statement in a batch changes
          // how the statements after it resolve and commit: treated as unknown too.
          unknown = true;
        }
        if (a.kind() == Kind.UNKNOWN_WRITE) {
          String temporary = SqlAnalyzer.createdTemporaryTable(a.sql());
          if (temporary != null) {
            conn.facts.createdTemporary(temporary);
          }
        }
      }
    }
    if (!unknown) {
      return writeTables(conn, tags, false, run);
    }
    try {
      return writeTables(conn, tags, true, run);
    } finally {
      // DDL, a procedure or a SET in a batch may have changed the session or the catalog.
      conn.sessionChanged();
      if (ddlPossible) {
        catalog = null;
      }
    }
  }

  private <T> @Nullable T writeTables(
      ConnectionHandler conn, Set<String> tags, boolean unknown, SqlCall<T> run)
      throws SQLException {
    if (conn.transactionUnknown() != null) {
      // Committed now or at some later statement: dirty until the JDBC-level end, and bumped
      // after this statement too, as in auto-commit mode.
      conn.markDirty(tags, unknown);
    } else if (conn.inTransaction()) {
      Set<String> fresh = conn.markDirty(tags, unknown);
      if (!fresh.isEmpty() && timing == InvalidationTiming.FULL) {
        // Locked before the write runs, released after the commit: no application server serves
        // or stores these tables' results meanwhile, so none holding the rows this transaction
        // replaces is served between its commit and the invalidation after it.
        lock(fresh);
        conn.locked(fresh);
      } else if (!fresh.isEmpty() && timing != InvalidationTiming.NONE) {
        cache.invalidateTagsAsync(fresh);
      }
      try {
        return run.call();
      } finally {
        if (unknown && implicitCommits()) {
          // DDL commits the open transaction on MySQL and MariaDB: what it wrote is visible now.
          conn.commitSeen();
        }
      }
    }
    if (unknown) {
      tags.add(EPOCH_TAG);
    }
    if (tags.isEmpty()) {
      return run.call();
    }
    if (timing == InvalidationTiming.WRITE_ONLY) {
      cache.invalidateTagsAsync(tags);
      return run.call();
    }
    if (timing == InvalidationTiming.NONE) {
      return run.call();
    }
    if (timing == InvalidationTiming.WITHOUT_LOCKS) {
      cache.invalidateTagsAsync(tags);
      try {
        return run.call();
      } finally {
        cache.invalidateTags(tags);
      }
    }
    // Auto-commit: the statement commits as it returns. Locked around it, so a reader that loaded
    // the old rows during the write stores nothing, and none is served once the commit is visible.
    lock(tags);
    try {
      return run.call();
    } finally {
      cache.unlockTags(tags);
    }
  }

  /**
   * Locks tables before a write runs. With strict invalidation, a lock the backend did not take
   * refuses the write: it does not run, so no committed write is unknown to other servers.
   */
  private void lock(Collection<String> tags) throws SQLException {
    try {
      cache.lockTags(tags, policy.maxWriteLockTime());
    } catch (CacheInvalidationException e) {
      throw new SQLTransientException(
          "write not run: the cache could not lock "
              + tags
              + " before it (strict invalidation); other application servers could serve results"
              + " older than it. Retry when the cache backend is reachable: "
              + e.getMessage(),
          e);
    }
  }

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger("dev.layercache.sql");

  /** Whether DDL and BEGIN commit an open transaction (MySQL, MariaDB). */
  boolean implicitCommits() {
    TableResolution r = resolution;
    return r != null && r.implicitCommits;
  }

  /**
   * Post-invalidation at the end of a transaction: releases the locks taken at its first writes,
   * and bumps the tables written without one.
   */
  void invalidateAtEnd(Collection<String> locked, Collection<String> unlocked) {
    if (timing == InvalidationTiming.WITHOUT_LOCKS) {
      List<String> all = new ArrayList<>(locked);
      all.addAll(unlocked);
      if (!all.isEmpty()) {
        cache.invalidateTags(all);
      }
      return;
    }
    if (timing != InvalidationTiming.FULL) {
      return;
    }
    if (!locked.isEmpty()) {
      cache.unlockTags(locked);
    }
    if (!unlocked.isEmpty()) {
      try {
        cache.invalidateTags(unlocked);
      } catch (CacheInvalidationException e) {
        // The transaction has ended: its outcome stands. The invalidation is retried, and was
        // preceded by the lock of each statement that wrote these tables.
      }
    }
  }

  // ---------------------------------------------------------------- tables and policy

  /** How the driver's result sets convert values, reproduced by cached ones. */
  private DriverConversions conversions() {
    TableResolution r = resolution;
    return r != null ? r.conversions : DriverConversions.STANDARD;
  }

  ResolvedTables resolve(SqlAnalysis a, SessionFacts facts) {
    TableResolution r = resolution;
    if (r == null) {
      throw new IllegalStateException("no connection has been wrapped yet");
    }
    List<String> path = facts.schemasSearched();
    DatabaseCatalog known = catalog;
    DatabaseCatalog c = known == null ? DatabaseCatalog.EMPTY : known;
    // The memo is per path and per catalog read: views and foreign keys change with DDL.
    return a.resolved(facts.resolutionKey(catalogGeneration.get()), k -> r.resolve(a, path, c));
  }

  private TableResolution resolution(@Nullable Connection connection) throws SQLException {
    TableResolution r = resolution;
    if (r != null) {
      return r;
    }
    synchronized (this) {
      r = resolution;
      if (r == null) {
        if (connection != null) {
          r = new TableResolution(connection, policy);
        } else {
          try (Connection c = dataSource.getConnection()) {
            r = new TableResolution(c, policy);
          }
        }
        resolution = r;
      }
      return r;
    }
  }
}
