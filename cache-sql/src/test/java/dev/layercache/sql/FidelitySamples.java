package dev.layercache.sql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The column types of each database and representative values of each (edge values included), for
 * {@link ResultSetFidelityIT}; and the check that they cover what the database itself lists.
 */
final class FidelitySamples {
  private FidelitySamples() {}

  /**
   * One column type and the SQL literals of its sample values (a NULL row is added to every type).
   *
   * @param ddl the type as written in {@code CREATE TABLE}
   * @param catalogName the name the database's own type list gives it
   * @param literals SQL literals of the values
   */
  record ColumnType(String ddl, String catalogName, List<String> literals) {
    static ColumnType of(String ddl, String catalogName, String... literals) {
      return new ColumnType(ddl, catalogName, List.of(literals));
    }
  }

  /** Statements that create what the column types refer to (enum and composite types). */
  static List<String> setup(Databases db, String suffix) {
    if (db == Databases.POSTGRESQL) {
      return List.of(
          "CREATE TYPE fid_mood_" + suffix + " AS ENUM ('sad', 'ok', 'happy')",
          "CREATE TYPE fid_pair_" + suffix + " AS (a INT, b TEXT)");
    }
    return List.of();
  }

  static List<String> teardown(Databases db, String suffix) {
    if (db == Databases.POSTGRESQL) {
      return List.of("DROP TYPE fid_mood_" + suffix, "DROP TYPE fid_pair_" + suffix);
    }
    return List.of();
  }

  static List<ColumnType> types(Databases db, String suffix) {
    switch (db) {
      case H2:
        return h2();
      case POSTGRESQL:
        return postgresql(suffix);
      default:
        return mariadb();
    }
  }

  private static List<ColumnType> h2() {
    List<ColumnType> t = new ArrayList<>();
    t.add(ColumnType.of("TINYINT", "TINYINT", "-128", "127", "0"));
    t.add(ColumnType.of("SMALLINT", "SMALLINT", "-32768", "32767"));
    t.add(ColumnType.of("INTEGER", "INTEGER", "-2147483648", "2147483647", "0", "1"));
    t.add(ColumnType.of("BIGINT", "BIGINT", "-9223372036854775808", "9223372036854775807"));
    t.add(ColumnType.of("NUMERIC(25,5)", "NUMERIC", "12345678901234567890.12345", "-0.5", "0"));
    t.add(ColumnType.of("DECFLOAT", "DECFLOAT", "CAST('1E+400' AS DECFLOAT)", "-12.5", "'NaN'"));
    t.add(ColumnType.of("REAL", "REAL", "CAST(-0.0 AS REAL)", "3.4028235E38", "1.5", "'NaN'"));
    t.add(
        ColumnType.of(
            "DOUBLE PRECISION",
            "DOUBLE PRECISION",
            "CAST(-0.0 AS DOUBLE PRECISION)",
            "1.7976931348623157E308",
            "4.9E-324",
            "'-Infinity'"));
    t.add(ColumnType.of("CHARACTER(5)", "CHARACTER", "'ab'", "'12'"));
    t.add(
        ColumnType.of(
            "CHARACTER VARYING(40)",
            "CHARACTER VARYING",
            "'hello'",
            "'42'",
            "'true'",
            "'2024-02-29 13:14:15'",
            "''",
            "'123e4567-e89b-12d3-a456-426614174000'"));
    t.add(ColumnType.of("VARCHAR_IGNORECASE(20)", "VARCHAR_IGNORECASE", "'Hello'", "'1.5'"));
    t.add(ColumnType.of("BOOLEAN", "BOOLEAN", "TRUE", "FALSE"));
    t.add(ColumnType.of("BINARY(4)", "BINARY", "X'00ff1020'"));
    t.add(ColumnType.of("BINARY VARYING(10)", "BINARY VARYING", "X'0102'", "X''", "X'34'"));
    t.add(
        ColumnType.of(
            "UUID",
            "UUID",
            "'123e4567-e89b-12d3-a456-426614174000'",
            "'00000000-0000-0000-0000-000000000000'"));
    t.add(ColumnType.of("DATE", "DATE", "DATE '2024-02-29'", "DATE '0001-01-01'"));
    t.add(ColumnType.of("TIME(9)", "TIME", "TIME '13:14:15.123456789'", "TIME '00:00:00'"));
    t.add(
        ColumnType.of(
            "TIME(6) WITH TIME ZONE",
            "TIME WITH TIME ZONE",
            "TIME WITH TIME ZONE '13:14:15.5+02:00'",
            "TIME WITH TIME ZONE '02:30:00-05:00'"));
    t.add(
        ColumnType.of(
            "TIMESTAMP(9)",
            "TIMESTAMP",
            "TIMESTAMP '2024-02-29 13:14:15.123456789'",
            // ambiguous in the calendars' zone (Europe/Berlin leaves summer time at 03:00)
            "TIMESTAMP '2024-10-27 02:30:00'",
            "TIMESTAMP '1970-01-01 00:00:00'"));
    t.add(
        ColumnType.of(
            "TIMESTAMP(9) WITH TIME ZONE",
            "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP WITH TIME ZONE '2024-10-27 02:30:00+02:00'",
            "TIMESTAMP WITH TIME ZONE '2024-10-27 02:30:00+01:00'",
            "TIMESTAMP WITH TIME ZONE '2024-02-29 23:59:59.999999999-08:00'"));
    String[][] intervals = {
      {"YEAR", "'5'"},
      {"MONTH", "'-3'"},
      {"DAY", "'10'"},
      {"HOUR", "'25'"},
      {"MINUTE", "'90'"},
      {"SECOND", "'1.5'"},
      {"YEAR TO MONTH", "'1-2'"},
      {"DAY TO HOUR", "'1 02'"},
      {"DAY TO MINUTE", "'1 02:03'"},
      {"DAY TO SECOND", "'1 02:03:04.5'"},
      {"HOUR TO MINUTE", "'02:03'"},
      {"HOUR TO SECOND", "'02:03:04.25'"},
      {"MINUTE TO SECOND", "'03:04.5'"}
    };
    for (String[] i : intervals) {
      t.add(ColumnType.of("INTERVAL " + i[0], "INTERVAL " + i[0], "INTERVAL " + i[1] + " " + i[0]));
    }
    t.add(ColumnType.of("ENUM('red', 'green')", "ENUM", "'red'", "'green'"));
    t.add(ColumnType.of("GEOMETRY", "GEOMETRY", "'POINT (1 2)'"));
    t.add(ColumnType.of("JSON", "JSON", "JSON '{\"a\":1}'", "JSON '[1,2]'", "JSON '\"text\"'"));
    t.add(ColumnType.of("ROW(a INT, b VARCHAR(5))", "ROW", "ROW(1, 'x')"));
    t.add(ColumnType.of("JAVA_OBJECT", "JAVA_OBJECT", "X'" + serialized(7) + "'"));
    t.add(ColumnType.of("INTEGER ARRAY", "ARRAY", "ARRAY[1, 2, NULL]", "ARRAY[]"));
    t.add(ColumnType.of("CHARACTER VARYING(10) ARRAY", "ARRAY", "ARRAY['a', 'b,c']"));
    t.add(ColumnType.of("INTEGER ARRAY ARRAY", "ARRAY", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]"));
    t.add(ColumnType.of("BINARY LARGE OBJECT", "BINARY LARGE OBJECT", "X'0102ff'", "X'31'"));
    t.add(ColumnType.of("CHARACTER LARGE OBJECT", "CHARACTER LARGE OBJECT", "'long text'", "'12'"));
    return t;
  }

  private static List<ColumnType> postgresql(String suffix) {
    List<ColumnType> t = new ArrayList<>();
    // N: numeric
    t.add(ColumnType.of("SMALLINT", "int2", "-32768", "32767"));
    t.add(ColumnType.of("INTEGER", "int4", "-2147483648", "2147483647", "0", "1"));
    t.add(ColumnType.of("BIGINT", "int8", "-9223372036854775808", "9223372036854775807"));
    t.add(ColumnType.of("NUMERIC(25,5)", "numeric", "12345678901234567890.12345", "-0.5", "0"));
    t.add(ColumnType.of("NUMERIC", "numeric", "'NaN'", "1E-20", "123"));
    t.add(ColumnType.of("REAL", "float4", "'-0'", "3.4028235E38", "'NaN'", "1.5"));
    t.add(
        ColumnType.of(
            "DOUBLE PRECISION",
            "float8",
            "'-0'",
            "1.7976931348623157E308",
            "'-Infinity'",
            "4.9E-324"));
    t.add(ColumnType.of("MONEY", "money", "12.34", "-92233720368547758.08"));
    t.add(ColumnType.of("OID", "oid", "4294967295", "0"));
    // B: boolean
    t.add(ColumnType.of("BOOLEAN", "bool", "TRUE", "FALSE"));
    // S: strings
    t.add(
        ColumnType.of(
            "TEXT",
            "text",
            "'hello'",
            "'42'",
            "'true'",
            "'2024-02-29 13:14:15'",
            "''",
            "'123e4567-e89b-12d3-a456-426614174000'"));
    t.add(ColumnType.of("VARCHAR(40)", "varchar", "'h\u00e9llo'", "'1.5'"));
    t.add(ColumnType.of("CHAR(5)", "bpchar", "'ab'", "'12'"));
    t.add(ColumnType.of("NAME", "name", "'pg_class'"));
    // D: dates and times
    t.add(
        ColumnType.of(
            "DATE", "date", "'2024-02-29'", "'0001-01-01'", "'infinity'", "'4713-01-01 BC'"));
    t.add(ColumnType.of("TIME(6)", "time", "'13:14:15.123456'", "'00:00:00'", "'24:00:00'"));
    t.add(
        ColumnType.of("TIMETZ", "timetz", "'13:14:15.5+02'", "'02:30:00-05:30'", "'00:00:00+00'"));
    t.add(
        ColumnType.of(
            "TIMESTAMP(6)",
            "timestamp",
            "'2024-02-29 13:14:15.123456'",
            "'2024-10-27 02:30:00'",
            "'infinity'",
            "'1970-01-01 00:00:00'"));
    t.add(
        ColumnType.of(
            "TIMESTAMPTZ",
            "timestamptz",
            "'2024-10-27 02:30:00+02'",
            "'2024-10-27 02:30:00+01'",
            "'2024-02-29 23:59:59.999999-08'",
            "'-infinity'"));
    // T: intervals
    t.add(
        ColumnType.of(
            "INTERVAL", "interval", "'1 year 2 mons 3 days 04:05:06.5'", "'-1 day'", "'0'"));
    // U: user-defined categories of the core
    t.add(ColumnType.of("BYTEA", "bytea", "'\\x0102ff'", "'\\x'", "'\\x31'"));
    t.add(
        ColumnType.of(
            "UUID",
            "uuid",
            "'123e4567-e89b-12d3-a456-426614174000'",
            "'00000000-0000-0000-0000-000000000000'"));
    t.add(ColumnType.of("JSON", "json", "'{\"b\": 1,  \"a\": [1, 2]}'", "'\"text\"'", "'42'"));
    t.add(ColumnType.of("JSONB", "jsonb", "'{\"b\": 1,  \"a\": [1, 2]}'", "'true'"));
    t.add(ColumnType.of("XML", "xml", "'<a>1</a>'"));
    t.add(ColumnType.of("MACADDR", "macaddr", "'08:00:2b:01:02:03'"));
    t.add(ColumnType.of("TSVECTOR", "tsvector", "'a fat cat'"));
    // I: network
    t.add(ColumnType.of("INET", "inet", "'192.168.0.1/24'", "'::1'"));
    t.add(ColumnType.of("CIDR", "cidr", "'10.0.0.0/8'"));
    // V: bit strings
    t.add(ColumnType.of("BIT(1)", "bit", "B'1'", "B'0'"));
    t.add(ColumnType.of("BIT(4)", "bit", "B'1010'"));
    t.add(ColumnType.of("VARBIT", "varbit", "B'101'"));
    // G: geometric
    t.add(ColumnType.of("POINT", "point", "'(1.5,2)'"));
    // R: ranges
    t.add(ColumnType.of("INT4RANGE", "int4range", "'[1,5)'", "'empty'"));
    // E: enum; C: composite (both created by the test)
    t.add(ColumnType.of("fid_mood_" + suffix, "fid_mood_" + suffix, "'happy'", "'sad'"));
    t.add(ColumnType.of("fid_pair_" + suffix, "fid_pair_" + suffix, "ROW(1, 'x')"));
    // A: arrays
    t.add(ColumnType.of("INT[]", "_int4", "'{1,2,NULL}'", "'{}'"));
    t.add(ColumnType.of("TEXT[]", "_text", "'{a,\"b,c\",NULL}'"));
    t.add(ColumnType.of("INT[][]", "_int4", "'{{1,2},{3,4}}'"));
    t.add(ColumnType.of("NUMERIC[]", "_numeric", "'{1.50,-0}'"));
    t.add(ColumnType.of("TIMESTAMP[]", "_timestamp", "'{\"2024-02-29 13:14:15.5\"}'"));
    t.add(ColumnType.of("BOOLEAN[]", "_bool", "'{t,f}'"));
    t.add(ColumnType.of("UUID[]", "_uuid", "'{123e4567-e89b-12d3-a456-426614174000}'"));
    t.add(ColumnType.of("JSONB[]", "_jsonb", "ARRAY['{\"a\": 1}'::jsonb]"));
    return t;
  }

  private static List<ColumnType> mariadb() {
    List<ColumnType> t = new ArrayList<>();
    t.add(ColumnType.of("BIT(1)", "BIT", "b'1'", "b'0'"));
    t.add(ColumnType.of("BIT(10)", "BIT", "b'1000000001'"));
    t.add(ColumnType.of("BOOL", "BOOL", "TRUE", "FALSE", "5"));
    t.add(ColumnType.of("BOOLEAN", "BOOLEAN", "TRUE", "FALSE", "-2"));
    t.add(ColumnType.of("TINYINT", "TINYINT", "-128", "127", "0"));
    t.add(ColumnType.of("TINYINT UNSIGNED", "TINYINT UNSIGNED", "255"));
    t.add(ColumnType.of("SMALLINT", "SMALLINT", "-32768", "32767"));
    t.add(ColumnType.of("SMALLINT UNSIGNED", "SMALLINT UNSIGNED", "65535"));
    t.add(ColumnType.of("MEDIUMINT", "MEDIUMINT", "-8388608", "8388607"));
    t.add(ColumnType.of("MEDIUMINT UNSIGNED", "MEDIUMINT UNSIGNED", "16777215"));
    t.add(ColumnType.of("INT", "INT", "-2147483648", "2147483647", "0", "1"));
    t.add(ColumnType.of("INT UNSIGNED", "INT UNSIGNED", "4294967295"));
    t.add(ColumnType.of("INT(5) ZEROFILL", "INT", "42"));
    t.add(ColumnType.of("BIGINT", "BIGINT", "-9223372036854775808", "9223372036854775807"));
    t.add(ColumnType.of("BIGINT UNSIGNED", "BIGINT UNSIGNED", "18446744073709551615"));
    t.add(ColumnType.of("DECIMAL(25,5)", "DECIMAL", "12345678901234567890.12345", "-0.5", "0"));
    t.add(ColumnType.of("NUMERIC(5,0)", "NUMERIC", "12345"));
    t.add(ColumnType.of("FLOAT", "FLOAT", "-0.0", "3.40282e38", "1.5"));
    t.add(ColumnType.of("DOUBLE", "DOUBLE", "-0.0", "1.7976931348623157E308", "4.9E-324"));
    t.add(ColumnType.of("CHAR(5)", "CHAR", "'ab'", "'12'"));
    t.add(
        ColumnType.of(
            "VARCHAR(40)",
            "VARCHAR",
            "'hello'",
            "'42'",
            "'true'",
            "'2024-02-29 13:14:15'",
            "''",
            "'123e4567-e89b-12d3-a456-426614174000'"));
    t.add(ColumnType.of("BINARY(4)", "BINARY", "x'00ff1020'"));
    t.add(ColumnType.of("VARBINARY(10)", "VARBINARY", "x'0102'", "x''", "x'34'"));
    t.add(ColumnType.of("TINYTEXT", "TINYTEXT", "'tiny'"));
    t.add(ColumnType.of("TEXT", "TEXT", "'long text'", "'12'"));
    t.add(ColumnType.of("MEDIUMTEXT", "MEDIUMTEXT", "'medium'"));
    t.add(ColumnType.of("LONGTEXT", "LONGTEXT", "'long'"));
    t.add(ColumnType.of("TINYBLOB", "TINYBLOB", "x'01'"));
    t.add(ColumnType.of("BLOB", "BLOB", "x'0102ff'", "x'31'"));
    t.add(ColumnType.of("MEDIUMBLOB", "MEDIUMBLOB", "x'0203'"));
    t.add(ColumnType.of("LONGBLOB", "LONGBLOB", "x'0304'"));
    t.add(ColumnType.of("ENUM('red', 'green')", "ENUM", "'red'", "'green'"));
    t.add(ColumnType.of("SET('a', 'b', 'c')", "SET", "'a,c'", "''"));
    t.add(ColumnType.of("DATE", "DATE", "'2024-02-29'", "'0000-00-00'", "'1000-01-01'"));
    t.add(
        ColumnType.of(
            "TIME(6)", "TIME", "'13:14:15.123456'", "'-838:59:59'", "'25:00:00'", "'00:00:00'"));
    t.add(
        ColumnType.of(
            "DATETIME(6)",
            "DATETIME",
            "'2024-02-29 13:14:15.123456'",
            "'0000-00-00 00:00:00'",
            "'2024-10-27 02:30:00'"));
    t.add(
        ColumnType.of(
            "TIMESTAMP(3) NULL",
            "TIMESTAMP",
            "'2024-02-29 13:14:15.123'",
            "'0000-00-00 00:00:00'",
            "'2024-10-27 02:30:00'"));
    t.add(ColumnType.of("YEAR", "YEAR", "2024", "0000", "1901"));
    t.add(ColumnType.of("JSON", "JSON", "'{\"a\": 1}'", "'[1, 2]'"));
    t.add(ColumnType.of("INET6", "INET6", "'::1'", "'::ffff:192.168.0.1'"));
    t.add(ColumnType.of("UUID", "UUID", "'123e4567-e89b-12d3-a456-426614174000'"));
    t.add(ColumnType.of("POINT", "POINT", "POINT(1, 2)"));
    return t;
  }

  /**
   * The type names the database lists that no sample covers: the samples must cover every type of
   * {@code DatabaseMetaData.getTypeInfo()} (H2, MariaDB) or every category of {@code pg_type} a
   * table column can have (PostgreSQL).
   */
  static Set<String> uncovered(Databases db, Connection c, List<ColumnType> types)
      throws SQLException {
    Set<String> covered = new LinkedHashSet<>();
    for (ColumnType t : types) {
      covered.add(t.catalogName().toUpperCase(Locale.ROOT));
    }
    Set<String> listed = new TreeSet<>();
    if (db == Databases.POSTGRESQL) {
      // Categories of pg_type, less pseudo-types (P), internal ones (Z) and "unknown" (X).
      Set<String> categoriesCovered = new TreeSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT DISTINCT typcategory::text FROM pg_type"
                      + " WHERE typcategory NOT IN ('P', 'Z', 'X')")) {
        while (rs.next()) {
          listed.add("category " + rs.getString(1));
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT DISTINCT typcategory::text FROM pg_type WHERE typname = ANY ('{"
                      + names(types)
                      + "}'::name[])")) {
        while (rs.next()) {
          categoriesCovered.add("category " + rs.getString(1));
        }
      }
      listed.removeAll(categoriesCovered);
      return listed;
    }
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTypeInfo()) {
      while (rs.next()) {
        listed.add(rs.getString("TYPE_NAME").toUpperCase(Locale.ROOT));
      }
    }
    if (db == Databases.MARIADB) {
      // Aliases the driver lists besides the names it reports for columns.
      listed.removeAll(
          Set.of(
              "INTEGER",
              "INTEGER UNSIGNED",
              "DOUBLE PRECISION",
              "REAL",
              "LONG VARBINARY",
              "LONG VARCHAR"));
    }
    listed.removeAll(covered);
    return listed;
  }

  private static String names(List<ColumnType> types) {
    StringBuilder b = new StringBuilder();
    for (ColumnType t : types) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(t.catalogName());
    }
    return b.toString();
  }

  private static String serialized(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
