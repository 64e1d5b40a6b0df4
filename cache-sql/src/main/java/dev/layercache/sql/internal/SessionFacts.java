package dev.layercache.sql.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a physical connection's session adds to every answer, remembered across the borrows of a
 * pooled connection: the database it is connected to, its user and role, every setting that can
 * change a result, its search path and its temporary tables. Its digest, {@link #context()}, is
 * part of every cache key, so two sessions share an entry only where the database would give both
 * the same answer. Forgotten whenever a statement through the wrapper may have changed the session
 * (SET, RESET, USE, DISCARD, SET ROLE, DDL, procedures, unreadable SQL, the end of a transaction
 * that changed settings), and read again, in one round trip, before the next cached read.
 */
final class SessionFacts {
  private volatile boolean known;
  private volatile @Nullable String schema;
  private volatile @Nullable String catalog;
  private volatile byte @Nullable [] context;
  private volatile List<String> searchPath = List.of();
  private volatile List<String> schemasSearched = List.of();
  // The memo key of resolved tables, per catalog generation: built once, not on every read.
  private volatile @Nullable ResolutionKey resolutionKey;

  private record ResolutionKey(int generation, String key) {}

  private volatile Set<String> temporaryTables = Set.of();
  private volatile @Nullable String unreadable;
  private volatile int isolation = -1;
  private volatile int loadedVersion = -1;
  // A custom setting was changed under a name the wrapper could not learn: the session's state
  // is unknown for the rest of this physical connection's life.
  private volatile @Nullable String untracked;
  // Temporary tables created through the wrapper where the database has no catalog of them.
  private final Set<String> createdTemporary = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Reads the session's state if it is not known.
   *
   * @param c the physical connection's wrapper-free handle
   * @param dialect which catalog queries apply
   * @param database the identity of the database server, the same for every connection to it
   * @param customSettings custom settings the session query must read by name
   * @param customSettingsVersion changes whenever a custom setting's name is learnt
   */
  void load(
      Connection c,
      Dialect dialect,
      byte[] database,
      java.util.Collection<String> customSettings,
      int customSettingsVersion)
      throws SQLException {
    if (known && loadedVersion == customSettingsVersion) {
      return;
    }
    String s;
    try {
      s = c.getSchema();
    } catch (SQLException | AbstractMethodError e) {
      s = null;
    }
    String cat = c.getCatalog();
    MessageDigest digest = sha256();
    digest.update(database);
    part(digest, cat);
    part(digest, s);
    List<String> path = new ArrayList<>();
    Set<String> temp = new HashSet<>(createdTemporary);
    String failure = untracked;
    String query = dialect.sessionQuery(customSettings);
    if (query == null) {
      part(digest, c.getMetaData().getUserName());
    } else {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(query)) {
        while (rs.next()) {
          String kind = rs.getString(1);
          String name = rs.getString(2);
          String value = rs.getString(3);
          part(digest, kind);
          part(digest, name);
          part(digest, value);
          if ("path".equals(kind) && value != null) {
            path.add(value);
          } else if ("temp".equals(kind) && name != null) {
            temp.add(name.toLowerCase(Locale.ROOT));
          }
        }
      } catch (SQLException e) {
        // Nothing is cached on this connection until its state can be read.
        failure = "the session's state could not be read: " + e.getMessage();
      }
    }
    catalog = cat;
    schema = s;
    searchPath = List.copyOf(path);
    schemasSearched = searched(searchPath, s != null ? s : cat);
    resolutionKey = null;
    temporaryTables = Set.copyOf(temp);
    unreadable = failure;
    context = digest.digest();
    loadedVersion = customSettingsVersion;
    known = true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Length-prefixed, so that ("ab", "c") and ("a", "bc") differ. */
  private static void part(MessageDigest d, @Nullable String s) {
    if (s == null) {
      d.update((byte) 0);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    d.update((byte) 1);
    d.update(
        new byte[] {
          (byte) (b.length >>> 24),
          (byte) (b.length >>> 16),
          (byte) (b.length >>> 8),
          (byte) b.length
        });
    d.update(b);
  }

  /** The digest of the session's state: part of every cache key. */
  byte[] context() {
    byte[] c = context;
    if (c == null) {
      throw new IllegalStateException("session state not loaded");
    }
    return c;
  }

  /** Why nothing can be cached on this connection, or null. */
  @Nullable String unreadable() {
    return unreadable;
  }

  @Nullable String schema() {
    return schema;
  }

  @Nullable String catalog() {
    return catalog;
  }

  /**
   * The schema unqualified names resolve to: the schema, or the catalog where schemas are
   * databases.
   */
  @Nullable String defaultSchema() {
    return schema != null ? schema : catalog;
  }

  /**
   * The schemas an unqualified table name may resolve to, in the order the database searches them,
   * where the database has a search path (PostgreSQL); empty elsewhere.
   */
  List<String> searchPath() {
    return searchPath;
  }

  /**
   * The schemas an unqualified name may resolve to: the search path where the session has one
   * (PostgreSQL: {@code current_schemas(true)} without the system and temporary schemas, which user
   * tables do not live in and temporary tables are never cached from), else the current schema.
   */
  List<String> schemasSearched() {
    return schemasSearched;
  }

  private static List<String> searched(List<String> searchPath, @Nullable String current) {
    List<String> path = new ArrayList<>();
    for (String s : searchPath) {
      if (!s.equals("pg_catalog") && !s.startsWith("pg_temp")) {
        path.add(s);
      }
    }
    if (path.isEmpty()) {
      return current == null ? List.of() : List.of(current);
    }
    return List.copyOf(path);
  }

  /** The key under which a statement's resolved tables are remembered for this session. */
  String resolutionKey(int catalogGeneration) {
    ResolutionKey k = resolutionKey;
    if (k == null || k.generation() != catalogGeneration) {
      k =
          new ResolutionKey(
              catalogGeneration,
              String.join("\u0001", schemasSearched) + '\u0002' + catalogGeneration);
      resolutionKey = k;
    }
    return k.key();
  }

  /** Whether one of the session's temporary tables has this name (any case). */
  boolean isTemporary(String table) {
    Set<String> t = temporaryTables;
    return !t.isEmpty() && t.contains(SyntaxTreeWalk.lastPart(table));
  }

  /**
   * Records a temporary table created through the wrapper (databases without a catalog of them).
   */
  void createdTemporary(String table) {
    createdTemporary.add(SyntaxTreeWalk.lastPart(table));
    known = false;
  }

  int isolation(Connection c) throws SQLException {
    int i = isolation;
    if (i < 0) {
      i = c.getTransactionIsolation();
      isolation = i;
    }
    return i;
  }

  void isolationChanged(int level) {
    isolation = level;
  }

  /**
   * A statement set a custom setting whose name cannot be known (set_config with an expression).
   */
  void untrackedSetting() {
    untracked = "a custom setting was changed under a name the wrapper cannot read";
    known = false;
  }

  void forget() {
    known = false;
    isolation = -1;
  }
}
