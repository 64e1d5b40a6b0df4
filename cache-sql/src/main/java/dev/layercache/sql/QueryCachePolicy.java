package dev.layercache.sql;

import dev.layercache.CacheConfigurationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link CachingDataSource} caches and for how long: which tables, the time to live (per table
 * if needed), the comment hints that opt a statement in or out, the functions that make a query
 * non-deterministic, hidden dependencies the database's catalogs cannot tell (views, foreign keys
 * and triggers are read from them), and the size limits of a cached result.
 *
 * <p>Table names are written as in SQL, optionally qualified ({@code users}, {@code public.users});
 * they are normalized with the database's identifier rules when the first connection is opened. An
 * unqualified name matches the table in any schema.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * QueryCachePolicy policy = QueryCachePolicy.builder()
 *     .cacheAllTablesExcept("sessions")
 *     .defaultTtl(Duration.ofMinutes(5))
 *     .tableTtl("articles", Duration.ofMinutes(30))
 *     .hiddenDependency("article_view", "articles", "users")
 *     .build();
 * }</pre>
 */
public final class QueryCachePolicy {
  /** Time to live of a cached result when none is set: 10 minutes. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Largest number of rows cached per result when none is set. */
  public static final int DEFAULT_MAX_ROWS = 10_000;

  /** Largest estimated size of a cached result when none is set: 1 MiB. */
  public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

  /** A comment containing this text opts a statement into caching: {@code /* layercache:cache}. */
  public static final String DEFAULT_CACHE_HINT = "layercache:cache";

  /** A comment containing this text keeps a statement out of the cache. */
  public static final String DEFAULT_NO_CACHE_HINT = "layercache:nocache";

  /** How many distinct SQL strings keep their analysis when none is set. */
  public static final int DEFAULT_ANALYSIS_CACHE_SIZE = 10_000;

  /**
   * How long a write lock holds at most when none is set: 30 seconds (see {@link
   * Builder#maxWriteLockTime(Duration)}).
   */
  public static final Duration DEFAULT_MAX_WRITE_LOCK_TIME = Duration.ofSeconds(30);

  /**
   * Functions that make a query's result differ between two runs, in lower case. Queries calling
   * any of them, with any schema prefix, are never cached.
   */
  public static final Set<String> DEFAULT_VOLATILE_FUNCTIONS =
      Set.of(
          "now",
          "current_timestamp",
          "current_date",
          "current_time",
          "localtime",
          "localtimestamp",
          "sysdate",
          "systimestamp",
          "curdate",
          "curtime",
          "utc_timestamp",
          "utc_date",
          "utc_time",
          "unix_timestamp",
          "clock_timestamp",
          "statement_timestamp",
          "transaction_timestamp",
          "timeofday",
          "random",
          "rand",
          "random_uuid",
          "uuid",
          "uuid_short",
          "gen_random_uuid",
          "uuid_generate_v1",
          "uuid_generate_v4",
          "newid",
          "sys_guid",
          "nextval",
          "currval",
          "lastval",
          "setval",
          "last_insert_id",
          "found_rows",
          "row_count",
          "connection_id",
          "pg_backend_pid",
          "txid_current",
          "pg_sleep",
          "sleep",
          "get_lock",
          "release_lock",
          "pg_advisory_lock",
          "pg_try_advisory_lock",
          "current_user",
          "session_user",
          "user",
          "system_user");

  /** Which tables may be cached. */
  public enum TableSelection {
    /** Every table. */
    ALL,
    /** Only the listed tables: a query is cached if every table it reads is listed. */
    ONLY_LISTED,
    /** Every table but the listed ones: a query reading any listed table is not cached. */
    ALL_BUT_LISTED
  }

  private static final QueryCachePolicy DEFAULTS = new Builder().build();

  private final TableSelection selection;
  private final Set<String> listedTables;
  private final Duration defaultTtl;
  private final Map<String, Duration> tableTtls;
  private final String cacheHint;
  private final String noCacheHint;
  private final Set<String> volatileFunctions;
  private final Map<String, List<String>> hiddenDependencies;
  private final int maxRows;
  private final long maxBytes;
  private final boolean serveInRepeatableRead;
  private final int analysisCacheSize;
  private final Duration maxWriteLockTime;
  private final Set<String> rowSecurityTables;
  private final Set<String> sessionSettings;

  private QueryCachePolicy(Builder b) {
    this.selection = b.selection;
    this.listedTables = Set.copyOf(b.listedTables);
    this.defaultTtl = b.defaultTtl;
    this.tableTtls = Map.copyOf(b.tableTtls);
    this.cacheHint = b.cacheHint;
    this.noCacheHint = b.noCacheHint;
    this.volatileFunctions = Set.copyOf(b.volatileFunctions);
    Map<String, List<String>> deps = new LinkedHashMap<>();
    b.hiddenDependencies.forEach((k, v) -> deps.put(k, List.copyOf(v)));
    this.hiddenDependencies = Map.copyOf(deps);
    this.maxRows = b.maxRows;
    this.maxBytes = b.maxBytes;
    this.serveInRepeatableRead = b.serveInRepeatableRead;
    this.analysisCacheSize = b.analysisCacheSize;
    this.maxWriteLockTime = b.maxWriteLockTime;
    this.rowSecurityTables = Set.copyOf(b.rowSecurityTables);
    this.sessionSettings = Set.copyOf(b.sessionSettings);
  }

  /**
   * The policy with every default: all tables, 10 minutes, 10,000 rows, 1 MiB.
   *
   * @return the default policy
   */
  public static QueryCachePolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this policy's settings.
   *
   * @param policy the policy to copy
   * @return a builder
   */
  public static Builder from(QueryCachePolicy policy) {
    Builder b = new Builder();
    b.selection = policy.selection;
    b.listedTables.addAll(policy.listedTables);
    b.defaultTtl = policy.defaultTtl;
    b.tableTtls.putAll(policy.tableTtls);
    b.cacheHint = policy.cacheHint;
    b.noCacheHint = policy.noCacheHint;
    b.volatileFunctions.clear();
    b.volatileFunctions.addAll(policy.volatileFunctions);
    policy.hiddenDependencies.forEach(
        (k, v) -> b.hiddenDependencies.put(k, new LinkedHashSet<>(v)));
    b.maxRows = policy.maxRows;
    b.maxBytes = policy.maxBytes;
    b.serveInRepeatableRead = policy.serveInRepeatableRead;
    b.analysisCacheSize = policy.analysisCacheSize;
    b.rowSecurityTables.addAll(policy.rowSecurityTables);
    b.sessionSettings.addAll(policy.sessionSettings);
    return b;
  }

  /**
   * Which tables may be cached.
   *
   * @return the selection mode
   */
  public TableSelection tableSelection() {
    return selection;
  }

  /**
   * The tables listed for {@link TableSelection#ONLY_LISTED} or {@link
   * TableSelection#ALL_BUT_LISTED}, as written.
   *
   * @return an immutable set, empty for {@link TableSelection#ALL}
   */
  public Set<String> listedTables() {
    return listedTables;
  }

  /**
   * The time to live of a result whose tables have no TTL of their own.
   *
   * @return the default TTL
   */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /**
   * Per-table TTLs, as written. A result's TTL is the smallest over the tables it reads.
   *
   * @return an immutable map
   */
  public Map<String, Duration> tableTtls() {
    return tableTtls;
  }

  /**
   * Text that, inside an SQL comment, opts a statement into caching even if its tables are not
   * selected.
   *
   * @return the hint
   */
  public String cacheHint() {
    return cacheHint;
  }

  /**
   * Text that, inside an SQL comment, keeps a statement out of the cache.
   *
   * @return the hint
   */
  public String noCacheHint() {
    return noCacheHint;
  }

  /**
   * Functions, in lower case, whose presence makes a query uncacheable.
   *
   * @return an immutable set
   */
  public Set<String> volatileFunctions() {
    return volatileFunctions;
  }

  /**
   * Hidden dependencies: a view (or a table written by triggers) mapped to the tables it reads.
   *
   * @return an immutable map, names as written
   */
  public Map<String, List<String>> hiddenDependencies() {
    return hiddenDependencies;
  }

  /**
   * Results with more rows are not cached (the caller still gets every row).
   *
   * @return the row limit
   */
  public int maxRows() {
    return maxRows;
  }

  /**
   * Results whose estimated size is larger are not cached (the caller still gets every row).
   *
   * @return the byte limit
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Whether a transaction at {@code REPEATABLE READ} or stricter may be served from the cache. It
   * never fills the cache.
   *
   * @return true if such transactions may be served
   */
  public boolean serveInRepeatableRead() {
    return serveInRepeatableRead;
  }

  /**
   * Tables under row-level security whose results may be cached all the same, because their
   * policies depend only on what every cache key holds (see {@link
   * Builder#cacheRowSecurityTables(String...)}).
   *
   * @return table names as given
   */
  public Set<String> rowSecurityTables() {
    return rowSecurityTables;
  }

  /**
   * Custom settings read into every session's state (and so into every cache key), beyond those the
   * wrapper learns by itself.
   *
   * @return setting names, lower case
   */
  public Set<String> sessionSettings() {
    return sessionSettings;
  }

  /**
   * How many distinct SQL strings keep their analysis.
   *
   * @return the analysis cache size
   */
  public int analysisCacheSize() {
    return analysisCacheSize;
  }

  /**
   * How long a write's lock on its tables holds at most (see {@link
   * Builder#maxWriteLockTime(Duration)}).
   *
   * @return the bound
   */
  public Duration maxWriteLockTime() {
    return maxWriteLockTime;
  }

  @Override
  public String toString() {
    return "QueryCachePolicy{selection="
        + selection
        + (listedTables.isEmpty() ? "" : " " + listedTables)
        + ", defaultTtl="
        + defaultTtl
        + ", tableTtls="
        + tableTtls
        + ", maxRows="
        + maxRows
        + ", maxBytes="
        + maxBytes
        + ", serveInRepeatableRead="
        + serveInRepeatableRead
        + ", maxWriteLockTime="
        + maxWriteLockTime
        + '}';
  }

  /** Builds a {@link QueryCachePolicy}; every setter validates its argument at once. */
  public static final class Builder {
    private TableSelection selection = TableSelection.ALL;
    private final Set<String> listedTables = new LinkedHashSet<>();
    private Duration defaultTtl = DEFAULT_TTL;
    private final Map<String, Duration> tableTtls = new LinkedHashMap<>();
    private String cacheHint = DEFAULT_CACHE_HINT;
    private String noCacheHint = DEFAULT_NO_CACHE_HINT;
    private final Set<String> volatileFunctions = new LinkedHashSet<>(DEFAULT_VOLATILE_FUNCTIONS);
    private final Map<String, Set<String>> hiddenDependencies = new LinkedHashMap<>();
    private int maxRows = DEFAULT_MAX_ROWS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private boolean serveInRepeatableRead;
    private final Set<String> rowSecurityTables = new LinkedHashSet<>();
    private final Set<String> sessionSettings = new LinkedHashSet<>();
    private int analysisCacheSize = DEFAULT_ANALYSIS_CACHE_SIZE;
    private Duration maxWriteLockTime = DEFAULT_MAX_WRITE_LOCK_TIME;

    private Builder() {}

    /**
     * Caches queries over every table (the default).
     *
     * @return this builder
     */
    public Builder cacheAllTables() {
      selection = TableSelection.ALL;
      listedTables.clear();
      return this;
    }

    /**
     * Caches only queries whose tables are all listed.
     *
     * @param tables table names, optionally schema-qualified
     * @return this builder
     * @throws CacheConfigurationException if no table is given or a name is blank
     */
    public Builder cacheOnlyTables(String... tables) {
      return select(TableSelection.ONLY_LISTED, tables);
    }

    /**
     * Caches queries over every table except the listed ones.
     *
     * @param tables table names, optionally schema-qualified
     * @return this builder
     * @throws CacheConfigurationException if no table is given or a name is blank
     */
    public Builder cacheAllTablesExcept(String... tables) {
      return select(TableSelection.ALL_BUT_LISTED, tables);
    }

    private Builder select(TableSelection mode, String[] tables) {
      if (tables == null || tables.length == 0) {
        throw new CacheConfigurationException(mode + " needs at least one table");
      }
      Set<String> names = new LinkedHashSet<>();
      for (String t : tables) {
        names.add(tableName("table", t));
      }
      selection = mode;
      listedTables.clear();
      listedTables.addAll(names);
      return this;
    }

    /**
     * Sets the time to live of results whose tables have none of their own.
     *
     * @param ttl at least 1 ms
     * @return this builder
     * @throws CacheConfigurationException if shorter
     */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = ttl("defaultTtl", ttl);
      return this;
    }

    /**
     * Sets a table's time to live; a result's TTL is the smallest over the tables it reads.
     *
     * @param table a table name, optionally schema-qualified
     * @param ttl at least 1 ms
     * @return this builder
     * @throws CacheConfigurationException if the name is blank or the TTL too short
     */
    public Builder tableTtl(String table, Duration ttl) {
      tableTtls.put(tableName("table", table), ttl("tableTtl of " + table, ttl));
      return this;
    }

    /**
     * Sets the comment text that opts a statement in, such as {@code layercache:cache} in {@code
     * SELECT /* layercache:cache * / ...}.
     *
     * @param hint non-blank text without a comment terminator
     * @return this builder
     */
    public Builder cacheHint(String hint) {
      this.cacheHint = hint("cacheHint", hint);
      return this;
    }

    /**
     * Sets the comment text that keeps a statement out of the cache.
     *
     * @param hint non-blank text without a comment terminator
     * @return this builder
     */
    public Builder noCacheHint(String hint) {
      this.noCacheHint = hint("noCacheHint", hint);
      return this;
    }

    /**
     * Adds functions that make a query non-deterministic (the defaults stay).
     *
     * @param names function names, case-insensitive, without schema
     * @return this builder
     * @throws CacheConfigurationException if a name is blank
     */
    public Builder volatileFunctions(String... names) {
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw new CacheConfigurationException("volatile function name is blank: '" + n + "'");
        }
        volatileFunctions.add(n.trim().toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Declares that reading {@code name} (a view, or a table maintained by triggers) reads {@code
     * tables}: results over it are tagged with those tables too, and a write to it invalidates
     * them.
     *
     * @param name a view or table name, optionally schema-qualified
     * @param tables the tables it depends on
     * @return this builder
     * @throws CacheConfigurationException if a name is blank or no table is given
     */
    public Builder hiddenDependency(String name, String... tables) {
      String key = tableName("view", name);
      if (tables == null || tables.length == 0) {
        throw new CacheConfigurationException("hidden dependency of " + name + " lists no table");
      }
      Set<String> set = hiddenDependencies.computeIfAbsent(key, k -> new LinkedHashSet<>());
      for (String t : tables) {
        set.add(tableName("dependency of " + name, t));
      }
      return this;
    }

    /**
     * Sets the largest number of rows a cached result may have.
     *
     * @param rows from 0 (cache only empty results) up
     * @return this builder
     * @throws CacheConfigurationException if negative
     */
    public Builder maxRows(int rows) {
      if (rows < 0) {
        throw new CacheConfigurationException("maxRows must be at least 0, was " + rows);
      }
      this.maxRows = rows;
      return this;
    }

    /**
     * Sets the largest estimated size of a cached result.
     *
     * @param bytes at least 1
     * @return this builder
     * @throws CacheConfigurationException if smaller
     */
    public Builder maxBytes(long bytes) {
      if (bytes < 1) {
        throw new CacheConfigurationException("maxBytes must be at least 1, was " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * Lets transactions at {@code REPEATABLE READ} or stricter be served from the cache (default:
     * no). The cache may then show them rows committed after their snapshot. They never fill it.
     *
     * @param allowed true to allow serving
     * @return this builder
     */
    public Builder serveInRepeatableRead(boolean allowed) {
      this.serveInRepeatableRead = allowed;
      return this;
    }

    /**
     * Lets results of these tables be cached although they have row-level security (PostgreSQL
     * {@code ENABLE ROW LEVEL SECURITY}), which by default makes every read of them pass through.
     * Name a table here only when its policies depend on nothing but what every cache key already
     * holds: the database, the current user and role, and the session's settings (for example
     * {@code current_setting('app.tenant')}). A policy that reads another table (a membership
     * table, say) makes that table a hidden dependency: declare it with {@link
     * #hiddenDependency(String, String...)}.
     *
     * @param tables names as in SQL, optionally schema-qualified
     * @return this builder
     * @throws CacheConfigurationException if a name is blank
     */
    public Builder cacheRowSecurityTables(String... tables) {
      for (String t : tables) {
        if (t == null || t.isBlank()) {
          throw new CacheConfigurationException("row-security table names must not be blank");
        }
        rowSecurityTables.add(t.trim());
      }
      return this;
    }

    /**
     * Names custom settings ({@code app.tenant}) whose value is part of every session's state, and
     * so of every cache key. The wrapper already learns the names set through it ({@code SET
     * app.tenant = ...}, {@code set_config('app.tenant', ...)}) and those that PostgreSQL
     * row-level-security policies read; name here those set where the wrapper cannot see it: in a
     * pool's connection-init SQL, by {@code ALTER ROLE ... SET}, or inside functions.
     *
     * @param names dotted names such as {@code app.tenant}
     * @return this builder
     * @throws CacheConfigurationException if a name is not a dotted identifier
     */
    public Builder sessionSettings(String... names) {
      for (String n : names) {
        if (n == null || !n.matches("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)+")) {
          throw new CacheConfigurationException(
              "a session setting must be a dotted name such as app.tenant, was " + n);
        }
        sessionSettings.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Sets how many distinct SQL strings keep their analysis.
     *
     * @param size at least 1
     * @return this builder
     * @throws CacheConfigurationException if smaller
     */
    public Builder analysisCacheSize(int size) {
      if (size < 1) {
        throw new CacheConfigurationException("analysisCacheSize must be at least 1, was " + size);
      }
      this.analysisCacheSize = size;
      return this;
    }

    /**
     * Sets how long a write's lock on its tables holds at most. From a transaction's first write to
     * a table (or from the start of an auto-commit write) until the invalidation after its commit
     * or rollback, the table is locked in the shared cache: its results are neither served nor
     * stored, by any application server, so none filled from rows the commit replaces is served
     * after the commit. A lock whose release is lost (the process died, the backend was
     * unreachable) counts for nothing after this time; a transaction that writes and then runs
     * longer than this loses that protection for the rest of its run. Choose it above the longest
     * writing transaction.
     *
     * @param time at least 1 ms
     * @return this builder
     * @throws CacheConfigurationException if shorter
     */
    public Builder maxWriteLockTime(Duration time) {
      this.maxWriteLockTime = ttl("maxWriteLockTime", time);
      return this;
    }

    /**
     * Returns the policy.
     *
     * @return the immutable policy
     * @throws CacheConfigurationException if both hints are the same
     */
    public QueryCachePolicy build() {
      if (cacheHint.equals(noCacheHint)) {
        throw new CacheConfigurationException(
            "cacheHint and noCacheHint must differ, both were '" + cacheHint + "'");
      }
      return new QueryCachePolicy(this);
    }

    private static String tableName(String what, @Nullable String name) {
      if (name == null || name.isBlank()) {
        throw new CacheConfigurationException(what + " name is blank: '" + name + "'");
      }
      return name.trim();
    }

    private static Duration ttl(String what, @Nullable Duration ttl) {
      if (ttl == null || ttl.toMillis() < 1) {
        throw new CacheConfigurationException(what + " must be at least 1 ms, was " + ttl);
      }
      return ttl;
    }

    private static String hint(String what, @Nullable String hint) {
      if (hint == null || hint.isBlank() || hint.contains("*/")) {
        throw new CacheConfigurationException(
            what + " must be non-blank text without '*/', was '" + hint + "'");
      }
      return hint;
    }

    @Override
    public String toString() {
      return "QueryCachePolicy.Builder" + Arrays.asList(selection, listedTables, defaultTtl);
    }
  }
}
