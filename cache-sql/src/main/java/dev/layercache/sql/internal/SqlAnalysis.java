package dev.layercache.sql.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * What one SQL string does, as far as the cache is concerned: its kind, the tables it reads and
 * writes (names as written, quotes kept) and whether its result may be cached. Immutable apart from
 * a memo of its resolved tags per current schema.
 */
final class SqlAnalysis {
  /** The kinds of statement the wrapper tells apart. */
  enum Kind {
    /** A query: cacheable unless {@link #uncacheableReason()} says otherwise. */
    READ,
    /** INSERT, UPDATE, DELETE, MERGE, upsert, TRUNCATE: bumps the tables it writes. */
    WRITE,
    /** DDL, CALL, several statements, or SQL the parser cannot read: bumps the epoch. */
    UNKNOWN_WRITE,
    /** Statements that neither read cacheable data nor write (EXPLAIN, SHOW): passed through. */
    PASSTHROUGH,
    /** Changes session state (SET, USE): passed through, cached session facts are refreshed. */
    SESSION,
    /** BEGIN / START TRANSACTION written as SQL. */
    BEGIN,
    /** COMMIT / ROLLBACK / END written as SQL. */
    END_TRANSACTION,
    /** SAVEPOINT, RELEASE, ROLLBACK TO SAVEPOINT: the transaction stays open, its writes dirty. */
    SAVEPOINT,
    /**
     * SET autocommit, SET TRANSACTION, SET SESSION CHARACTERISTICS: whether a transaction is open,
     * or how it reads, is no longer known; the connection caches nothing until a JDBC-level end.
     */
    TRANSACTION_MODE
  }

  /** A table name as written: its parts from the innermost (table) outwards. */
  record TableName(String table, @Nullable String schema) {}

  /** The type label of {@link #sqlDigest()} in a cache key. */
  static final String SQL_DIGEST_LABEL = "sql.sha512";

  private final String sql;
  private final Kind kind;
  private final List<TableName> readTables;
  private final List<TableName> writtenTables;
  private final @Nullable String uncacheableReason;
  private final boolean cacheHint;
  private final boolean mayChangeSession;
  private final Set<String> functions;
  private final ConcurrentMap<String, ResolvedTables> resolved = new ConcurrentHashMap<>(2);
  private volatile byte @Nullable [] sqlDigest;

  SqlAnalysis(
      String sql,
      Kind kind,
      List<TableName> readTables,
      List<TableName> writtenTables,
      @Nullable String uncacheableReason,
      boolean cacheHint) {
    this(sql, kind, readTables, writtenTables, uncacheableReason, cacheHint, false, Set.of());
  }

  SqlAnalysis(
      String sql,
      Kind kind,
      List<TableName> readTables,
      List<TableName> writtenTables,
      @Nullable String uncacheableReason,
      boolean cacheHint,
      boolean mayChangeSession,
      Set<String> functions) {
    this.mayChangeSession = mayChangeSession;
    this.functions = Set.copyOf(functions);
    this.sql = sql;
    this.kind = kind;
    this.readTables = List.copyOf(readTables);
    this.writtenTables = List.copyOf(writtenTables);
    this.uncacheableReason = uncacheableReason;
    this.cacheHint = cacheHint;
  }

  static SqlAnalysis of(String sql, Kind kind) {
    return new SqlAnalysis(
        sql, kind, List.of(), List.of(), kind.name().toLowerCase(java.util.Locale.ROOT), false);
  }

  /** The SQL string analyzed. */
  String sql() {
    return sql;
  }

  /**
   * The SHA-512 of the SQL's UTF-8 bytes, computed once: what stands for the SQL in cache keys. As
   * collision-resistant as the fingerprint the core keeps of long keys. Callers must not modify it.
   */
  byte[] sqlDigest() {
    byte[] d = sqlDigest;
    if (d == null) {
      try {
        d = MessageDigest.getInstance("SHA-512").digest(sql.getBytes(StandardCharsets.UTF_8));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-512", e);
      }
      sqlDigest = d; // a race computes the same bytes
    }
    return d;
  }

  Kind kind() {
    return kind;
  }

  /** Tables read, including those of subqueries, joins, CTE bodies and set operations. */
  List<TableName> readTables() {
    return readTables;
  }

  /** Tables written (for {@link Kind#WRITE}). */
  List<TableName> writtenTables() {
    return writtenTables;
  }

  /** Why the result must not be cached, or null if it may be. */
  @Nullable String uncacheableReason() {
    return uncacheableReason;
  }

  /** The functions it calls, by unqualified lower-case name. */
  Set<String> functions() {
    return functions;
  }

  /** Whether running it may change the session's state ({@code set_config}, {@code @x := 1}). */
  boolean mayChangeSession() {
    return mayChangeSession;
  }

  /** The first 16 hex digits of {@link #sqlDigest()}: names the statement in logs. */
  String shortDigest() {
    byte[] d = sqlDigest();
    StringBuilder b = new StringBuilder(16);
    for (int i = 0; i < 8; i++) {
      b.append(Character.forDigit((d[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(d[i] & 0xf, 16));
    }
    return b.toString();
  }

  /** Whether the SQL carries the policy's opt-in hint. */
  boolean hasCacheHint() {
    return cacheHint;
  }

  /** The tables resolved against a current schema, computed once per schema. */
  ResolvedTables resolved(String schemaKey, java.util.function.Function<String, ResolvedTables> f) {
    ResolvedTables r = resolved.get(schemaKey);
    if (r == null) {
      if (resolved.size() > 16) {
        resolved.clear(); // many schemas (one per tenant, say): keep the memo bounded
      }
      r = resolved.computeIfAbsent(schemaKey, f);
    }
    return r;
  }
}
