package dev.layercache.sql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import org.jspecify.annotations.Nullable;

/**
 * Facts the wrapper reads from the database's own catalogs, once when the data source first
 * connects and again after DDL through the wrapper: which tables have row-level security, what each
 * view reads, which writes cascade to other tables (foreign keys with {@code ON DELETE/UPDATE
 * CASCADE}, {@code SET NULL}, {@code SET DEFAULT}), which tables have triggers (their writes may
 * write anything), and how volatile each function is. Names are kept in stored form, qualified:
 * {@code schema.table}. Immutable; {@link QueryCaching} reads a new one when the catalog may have
 * changed.
 */
final class DatabaseCatalog {
  /** How safe a function is to cache a query around. */
  enum Volatility {
    /** Same result for the same arguments and session: cacheable. */
    SAFE,
    /** Its result may change (the clock, a sequence, a lock, table reads): not cached. */
    VOLATILE,
    /** A user function that may write: the query is not cached and counts as an unknown write. */
    MAY_WRITE,
    /** Not in the catalog (created since it was read, or built in and not listed). */
    UNKNOWN
  }

  // Function-call syntax that is not a catalog function anywhere.
  private static final Set<String> SYNTAX =
      Set.of(
          "coalesce",
          "nullif",
          "greatest",
          "least",
          "row",
          "array",
          "exists",
          "any",
          "all",
          "some",
          "cast",
          "extract",
          "position",
          "overlay",
          "trim",
          "substring",
          "grouping",
          "values",
          "if",
          "ifnull",
          "nvl",
          "case",
          "interval");

  // Deterministic built-ins of MariaDB, MySQL and H2 (and the SQL standard): their value depends
  // only on their arguments and on session settings, which every key holds.
  private static final Set<String> DETERMINISTIC_BUILTINS =
      Set.of(
          "abs",
          "acos",
          "asin",
          "atan",
          "atan2",
          "avg",
          "bit_and",
          "bit_or",
          "bit_xor",
          "bit_length",
          "ceil",
          "ceiling",
          "char_length",
          "character_length",
          "chr",
          "char",
          "concat",
          "concat_ws",
          "cos",
          "cot",
          "count",
          "date",
          "date_add",
          "date_sub",
          "date_format",
          "datediff",
          "day",
          "dayname",
          "dayofmonth",
          "dayofweek",
          "dayofyear",
          "degrees",
          "exp",
          "floor",
          "format",
          "group_concat",
          "hex",
          "hour",
          "instr",
          "isnull",
          "lcase",
          "left",
          "length",
          "ln",
          "locate",
          "log",
          "log10",
          "log2",
          "lower",
          "lpad",
          "ltrim",
          "max",
          "md5",
          "mid",
          "min",
          "minute",
          "mod",
          "month",
          "monthname",
          "octet_length",
          "pow",
          "power",
          "quarter",
          "radians",
          "repeat",
          "replace",
          "reverse",
          "right",
          "round",
          "rpad",
          "rtrim",
          "second",
          "sha1",
          "sha2",
          "sign",
          "sin",
          "space",
          "sqrt",
          "std",
          "stddev",
          "stddev_pop",
          "stddev_samp",
          "str_to_date",
          "strcmp",
          "substr",
          "substring_index",
          "sum",
          "tan",
          "time",
          "time_format",
          "timestampdiff",
          "timestampadd",
          "to_char",
          "truncate",
          "ucase",
          "unhex",
          "upper",
          "var_pop",
          "var_samp",
          "variance",
          "week",
          "weekday",
          "weekofyear",
          "year",
          "yearweek",
          "json_extract",
          "json_value",
          "json_unquote",
          "json_object",
          "json_array",
          "json_contains",
          "json_length",
          "convert",
          "ascii",
          "bin",
          "oct",
          "conv",
          "crc32",
          "from_unixtime",
          "regexp_replace",
          "regexp_substr",
          "regexp_like",
          "casewhen",
          "decode",
          "array_agg",
          "string_agg",
          "listagg",
          "bool_and",
          "bool_or",
          "every",
          "row_number",
          "rank",
          "dense_rank",
          "lag",
          "lead",
          "first_value",
          "last_value",
          "ntile",
          "percent_rank",
          "cume_dist",
          "nth_value",
          "to_date",
          "to_timestamp",
          "last_day",
          "makedate",
          "maketime",
          "sec_to_time",
          "time_to_sec",
          "to_days",
          "from_days",
          "field",
          "elt",
          "find_in_set",
          "soundex",
          "quote",
          "inet_aton",
          "inet_ntoa",
          "bitand",
          "bitor",
          "bitxor",
          "ifnull");

  private static final Pattern CURRENT_SETTING =
      Pattern.compile("(?i)current_setting\\s*\\(\\s*'([^']+)'");

  /** A catalog that knows nothing, for databases whose catalogs the wrapper does not read. */
  static final DatabaseCatalog EMPTY =
      new DatabaseCatalog(
          Dialect.OTHER, Set.of(), Set.of(), Map.of(), Set.of(), Map.of(), Set.of(), Map.of());

  private final Dialect dialect;
  private final Set<String> rowSecurity;
  private final Set<String> settingsInPolicies;
  private final Map<String, List<String>> viewReads;
  private final Set<String> volatileViews;
  private final Map<String, List<String>> cascadesTo;
  private final Set<String> triggered;
  private final Map<String, Volatility> functions;

  private DatabaseCatalog(
      Dialect dialect,
      Set<String> rowSecurity,
      Set<String> settingsInPolicies,
      Map<String, List<String>> viewReads,
      Set<String> volatileViews,
      Map<String, List<String>> cascadesTo,
      Set<String> triggered,
      Map<String, Volatility> functions) {
    this.dialect = dialect;
    this.rowSecurity = Set.copyOf(rowSecurity);
    this.settingsInPolicies = Set.copyOf(settingsInPolicies);
    this.viewReads = Map.copyOf(viewReads);
    this.volatileViews = Set.copyOf(volatileViews);
    this.cascadesTo = Map.copyOf(cascadesTo);
    this.triggered = Set.copyOf(triggered);
    this.functions = Map.copyOf(functions);
  }

  /**
   * Reads the catalog through a connection of the real data source.
   *
   * @param c a connection, used for catalog queries only
   * @param dialect which catalogs exist
   * @param rules how the database stores identifiers (for names parsed from view definitions)
   * @param volatileByPolicy functions the policy declares volatile
   * @return the facts
   * @throws SQLException if a catalog query fails
   */
  static DatabaseCatalog read(
      Connection c, Dialect dialect, IdentifierRules rules, Set<String> volatileByPolicy)
      throws SQLException {
    switch (dialect) {
      case POSTGRESQL:
        return readPostgres(c, volatileByPolicy);
      case MYSQL:
        return readMysql(c, rules);
      case H2:
        return readH2(c, rules);
      default:
        return EMPTY;
    }
  }

  private static DatabaseCatalog readPostgres(Connection c, Set<String> volatileByPolicy)
      throws SQLException {
    Set<String> rls = new HashSet<>();
    query(
        c,
        "SELECT n.nspname, c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relrowsecurity",
        rs -> rls.add(qualified(rs, 1)));
    Set<String> settings = new HashSet<>();
    query(
        c,
        "SELECT coalesce(pg_get_expr(polqual, polrelid), '') || ' '"
            + " || coalesce(pg_get_expr(polwithcheck, polrelid), '') FROM pg_policy",
        rs -> {
          Matcher m = CURRENT_SETTING.matcher(rs.getString(1));
          while (m.find()) {
            settings.add(m.group(1));
          }
        });
    Map<String, Volatility> functions = new HashMap<>();
    query(
        c,
        "SELECT p.proname, n.nspname IN ('pg_catalog', 'information_schema'), p.provolatile"
            + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace",
        rs -> {
          String name = rs.getString(1).toLowerCase(Locale.ROOT);
          boolean builtIn = rs.getBoolean(2);
          String v = rs.getString(3);
          Volatility vol;
          if ("i".equals(v)) {
            vol = Volatility.SAFE;
          } else if ("s".equals(v)) {
            // A stable built-in depends on the session at most; a stable user function may read
            // tables the wrapper cannot see.
            vol = builtIn ? Volatility.SAFE : Volatility.VOLATILE;
          } else {
            vol = builtIn ? Volatility.VOLATILE : Volatility.MAY_WRITE;
          }
          functions.merge(name, vol, DatabaseCatalog::worse);
        });
    Map<String, List<String>> views = new HashMap<>();
    Set<String> volatileViews = new HashSet<>();
    query(
        c,
        "SELECT DISTINCT vn.nspname, v.relname, d.refclassid = 'pg_proc'::regclass,"
            + " tn.nspname, t.relname, p.proname"
            + " FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class"
            + " JOIN pg_namespace vn ON vn.oid = v.relnamespace"
            + " JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass"
            + " LEFT JOIN pg_class t ON d.refclassid = 'pg_class'::regclass AND t.oid = d.refobjid"
            + " LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace"
            + " LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid"
            + " WHERE v.relkind IN ('v', 'm') AND (t.oid IS NULL OR t.oid <> v.oid)",
        rs -> {
          String view = rs.getString(1) + '.' + rs.getString(2);
          if (rs.getBoolean(3)) {
            String fn = rs.getString(6);
            if (fn != null) {
              String name = fn.toLowerCase(Locale.ROOT);
              Volatility v = functions.getOrDefault(name, Volatility.UNKNOWN);
              if (v != Volatility.SAFE || volatileByPolicy.contains(name)) {
                volatileViews.add(view); // now(), random(), a user function: never cached
              }
            }
          } else if (rs.getString(5) != null) {
            views
                .computeIfAbsent(view, k -> new ArrayList<>())
                .add(rs.getString(4) + '.' + rs.getString(5));
          }
        });
    Map<String, List<String>> cascades = new HashMap<>();
    query(
        c,
        "SELECT pn.nspname, p.relname, cn.nspname, ch.relname FROM pg_constraint k"
            + " JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_namespace cn ON cn.oid ="
            + " ch.relnamespace JOIN pg_class p ON p.oid = k.confrelid"
            + " JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE k.contype = 'f'"
            + " AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd'))",
        rs -> addPair(cascades, rs));
    Set<String> triggered = new HashSet<>();
    query(
        c,
        "SELECT DISTINCT n.nspname, c.relname FROM pg_trigger tg"
            + " JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT tg.tgisinternal",
        rs -> triggered.add(qualified(rs, 1)));
    return new DatabaseCatalog(
        Dialect.POSTGRESQL, rls, settings, views, volatileViews, cascades, triggered, functions);
  }

  private static DatabaseCatalog readMysql(Connection c, IdentifierRules rules)
      throws SQLException {
    Map<String, Volatility> functions = new HashMap<>();
    query(
        c,
        "SELECT ROUTINE_NAME, IS_DETERMINISTIC, SQL_DATA_ACCESS FROM information_schema.ROUTINES"
            + " WHERE ROUTINE_TYPE = 'FUNCTION'",
        rs -> {
          String access = rs.getString(3);
          Volatility v;
          if (!"YES".equalsIgnoreCase(rs.getString(2))
              || "MODIFIES SQL DATA".equalsIgnoreCase(access)
              || "CONTAINS SQL".equalsIgnoreCase(access)) {
            v = Volatility.MAY_WRITE;
          } else if ("NO SQL".equalsIgnoreCase(access)) {
            v = Volatility.SAFE;
          } else {
            v = Volatility.VOLATILE; // reads tables the wrapper cannot see
          }
          functions.merge(rs.getString(1).toLowerCase(Locale.ROOT), v, DatabaseCatalog::worse);
        });
    Map<String, List<String>> views = new HashMap<>();
    Set<String> volatileViews = new HashSet<>();
    query(
        c,
        "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS",
        rs -> viewFromDefinition(rs, rules, views, volatileViews));
    Map<String, List<String>> cascades = new HashMap<>();
    query(
        c,
        "SELECT UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME, CONSTRAINT_SCHEMA, TABLE_NAME"
            + " FROM information_schema.REFERENTIAL_CONSTRAINTS"
            + " WHERE UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
            + " OR DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')",
        rs -> addPair(cascades, rs));
    Set<String> triggered = new HashSet<>();
    query(
        c,
        "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS",
        rs -> triggered.add(qualified(rs, 1)));
    return new DatabaseCatalog(
        Dialect.MYSQL, Set.of(), Set.of(), views, volatileViews, cascades, triggered, functions);
  }

  private static DatabaseCatalog readH2(Connection c, IdentifierRules rules) throws SQLException {
    Map<String, Volatility> functions = new HashMap<>();
    query(
        c,
        "SELECT ROUTINE_NAME, IS_DETERMINISTIC FROM INFORMATION_SCHEMA.ROUTINES",
        rs ->
            functions.merge(
                rs.getString(1).toLowerCase(Locale.ROOT),
                // Java functions can do anything; only a deterministic one is trusted.
                "YES".equalsIgnoreCase(rs.getString(2)) ? Volatility.SAFE : Volatility.MAY_WRITE,
                DatabaseCatalog::worse));
    Map<String, List<String>> views = new HashMap<>();
    Set<String> volatileViews = new HashSet<>();
    query(
        c,
        "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS",
        rs -> viewFromDefinition(rs, rules, views, volatileViews));
    Map<String, List<String>> cascades = new HashMap<>();
    query(
        c,
        "SELECT pk.TABLE_SCHEMA, pk.TABLE_NAME, fk.TABLE_SCHEMA, fk.TABLE_NAME"
            + " FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS r"
            + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS fk"
            + " ON fk.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA"
            + " AND fk.CONSTRAINT_NAME = r.CONSTRAINT_NAME"
            + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk"
            + " ON pk.CONSTRAINT_SCHEMA = r.UNIQUE_CONSTRAINT_SCHEMA"
            + " AND pk.CONSTRAINT_NAME = r.UNIQUE_CONSTRAINT_NAME"
            + " WHERE r.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
            + " OR r.DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')",
        rs -> addPair(cascades, rs));
    Set<String> triggered = new HashSet<>();
    query(
        c,
        "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE FROM INFORMATION_SCHEMA.TRIGGERS",
        rs -> triggered.add(qualified(rs, 1)));
    return new DatabaseCatalog(
        Dialect.H2, Set.of(), Set.of(), views, volatileViews, cascades, triggered, functions);
  }

  /** A view whose definition the catalog gives as SQL: the tables it names, parsed. */
  private static void viewFromDefinition(
      ResultSet rs,
      IdentifierRules rules,
      Map<String, List<String>> views,
      Set<String> volatileViews)
      throws SQLException {
    String schema = rs.getString(1);
    String view = schema + '.' + rs.getString(2);
    String definition = rs.getString(3);
    List<String> tables = new ArrayList<>();
    try {
      if (definition == null || definition.isBlank()) {
        throw new IllegalArgumentException("definition not visible");
      }
      SyntaxTreeWalk walk = SyntaxTreeWalk.of(CCJSqlParserUtil.parse(definition));
      for (Table t : walk.tables) {
        tables.add(rules.qualified(SqlAnalyzer.name(t), schema)); // CTE names too, as for reads
      }
      for (String fn : walk.functions) {
        if (!SYNTAX.contains(fn) && !DETERMINISTIC_BUILTINS.contains(fn)) {
          volatileViews.add(view);
        }
      }
    } catch (Exception | StackOverflowError e) {
      volatileViews.add(view); // a view the wrapper cannot read is never cached
    }
    views.put(view, tables);
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(Connection c, String sql, RowReader reader) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }

  /** {@code schema.table} from two columns, the schema at {@code column}. */
  private static String qualified(ResultSet rs, int column) throws SQLException {
    return rs.getString(column) + '.' + rs.getString(column + 1);
  }

  /** Records that writes of the table in columns 1-2 also write the one in columns 3-4. */
  private static void addPair(Map<String, List<String>> map, ResultSet rs) throws SQLException {
    map.computeIfAbsent(qualified(rs, 1), k -> new ArrayList<>()).add(qualified(rs, 3));
  }

  private static Volatility worse(Volatility a, Volatility b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Whether a table ({@code schema.table}) has row-level security enabled. */
  boolean hasRowSecurity(String qualified) {
    return !rowSecurity.isEmpty() && rowSecurity.contains(qualified);
  }

  /** Names of the custom settings that row-level-security policies read. */
  Set<String> settingsInPolicies() {
    return settingsInPolicies;
  }

  /** The tables and views a view reads, or null if it is not a view. */
  @Nullable List<String> viewReads(String qualified) {
    return viewReads.get(qualified);
  }

  /** Whether a view calls volatile functions or could not be read: never cached. */
  boolean isVolatileView(String qualified) {
    return volatileViews.contains(qualified);
  }

  /** The tables a write of this table may also write through cascading foreign keys. */
  List<String> cascadesTo(String qualified) {
    return cascadesTo.getOrDefault(qualified, List.of());
  }

  /** Whether writes of this table fire triggers, which may write any table. */
  boolean hasTriggers(String qualified) {
    return triggered.contains(qualified);
  }

  /** How safe a function is, by its unqualified lower-case name. */
  Volatility function(String name) {
    if (SYNTAX.contains(name)) {
      return Volatility.SAFE;
    }
    Volatility v = functions.get(name);
    if (v != null) {
      return v;
    }
    if (dialect != Dialect.POSTGRESQL && DETERMINISTIC_BUILTINS.contains(name)) {
      return Volatility.SAFE; // pg_proc lists PostgreSQL's built-ins; the others come from here
    }
    return Volatility.UNKNOWN;
  }
}
