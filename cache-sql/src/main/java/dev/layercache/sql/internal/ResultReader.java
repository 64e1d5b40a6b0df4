package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import dev.layercache.sql.internal.CellValues.ArrayValue;
import dev.layercache.sql.internal.CellValues.Texted;
import dev.layercache.sql.internal.DriverConversions.CellReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads a driver's rows into canonical cells ({@link CellValues}), one row at a time, so a result
 * can be cached whole or, over the policy's limits, handed to the caller as it streams.
 */
final class ResultReader {
  /** How a column's cells are read. */
  private enum Extractor {
    GENERIC,
    STRING,
    BYTES,
    DATE,
    TIME,
    TIME_TZ,
    TIMESTAMP,
    TIMESTAMP_TZ,
    ARRAY
  }

  // Type names of PostgreSQL's "other" types whose values read faithfully as text or UUID.
  private static final Set<String> TEXTUAL_OTHER_TYPES =
      Set.of("json", "jsonb", "uuid", "xml", "citext", "inet", "cidr", "macaddr", "ltree");

  private final List<ColumnInfo> columns;
  private final CellReader[] readers;

  private ResultReader(List<ColumnInfo> columns, CellReader[] readers) {
    this.columns = columns;
    this.readers = readers;
  }

  /**
   * Prepares to read a result, or returns null if a column has a type the cache cannot reproduce
   * (the caller then gets the driver's own result set).
   */
  static @Nullable ResultReader forResult(ResultSet rs, DriverConversions conversions)
      throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<ColumnInfo> columns = new ArrayList<>(n);
    CellReader[] readers = new CellReader[n];
    for (int i = 1; i <= n; i++) {
      ColumnInfo c = column(md, i);
      CellReader r = conversions.reader(c);
      if (r == null) {
        return null;
      }
      columns.add(c);
      readers[i - 1] = r;
    }
    return new ResultReader(List.copyOf(columns), readers);
  }

  List<ColumnInfo> columns() {
    return columns;
  }

  /**
   * Reads a column's cells as canonical typed values (see {@link CellValues}), keeping the driver's
   * text where it differs from ours; null if the column's type has no canonical form.
   *
   * @param integersPrintPlain whether the driver's text of an integer value is always its decimal
   *     form, so that it need not be read and compared
   */
  static @Nullable CellReader canonicalReader(ColumnInfo c, boolean integersPrintPlain) {
    Extractor e = extractor(c);
    return e == null ? null : (rs, i) -> readCell(rs, i, e, integersPrintPlain);
  }

  private static @Nullable Extractor extractor(ColumnInfo c) {
    String typeName = c.typeName().toLowerCase(Locale.ROOT);
    switch (c.sqlType()) {
      case Types.DATE:
        return Extractor.DATE;
      case Types.TIME:
        return typeName.contains("tz") || typeName.contains("time zone")
            ? Extractor.TIME_TZ
            : Extractor.TIME;
      case Types.TIME_WITH_TIMEZONE:
        return Extractor.TIME_TZ;
      case Types.TIMESTAMP:
        return typeName.contains("tz") || typeName.contains("time zone")
            ? Extractor.TIMESTAMP_TZ
            : Extractor.TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return Extractor.TIMESTAMP_TZ;
      case Types.CLOB:
      case Types.NCLOB:
      case Types.SQLXML:
        return Extractor.STRING;
      case Types.BLOB:
        return Extractor.BYTES;
      case Types.ARRAY:
        return Extractor.ARRAY;
      case Types.OTHER:
      case Types.JAVA_OBJECT:
        return c.className().equals("java.util.UUID") || TEXTUAL_OTHER_TYPES.contains(typeName)
            ? Extractor.GENERIC
            : null;
      case Types.STRUCT:
      case Types.DISTINCT:
      case Types.REF:
      case Types.REF_CURSOR:
      case Types.ROWID:
      case Types.DATALINK:
        return null;
      default:
        return Extractor.GENERIC;
    }
  }

  /** Reads the current row. */
  @Nullable Object[] readRow(ResultSet rs) throws SQLException {
    Object[] row = new Object[readers.length];
    for (int i = 0; i < readers.length; i++) {
      row[i] = readers[i].read(rs, i + 1);
    }
    return row;
  }

  private static @Nullable Object readCell(
      ResultSet rs, int i, Extractor e, boolean integersPrintPlain) throws SQLException {
    Object value;
    switch (e) {
      case STRING:
        return rs.getString(i);
      case BYTES:
        return rs.getBytes(i);
      case DATE:
        value = rs.getObject(i, LocalDate.class);
        break;
      case TIME:
        value = rs.getObject(i, LocalTime.class);
        break;
      case TIME_TZ:
        value = rs.getObject(i, OffsetTime.class);
        break;
      case TIMESTAMP:
        value = rs.getObject(i, LocalDateTime.class);
        break;
      case TIMESTAMP_TZ:
        value = rs.getObject(i, OffsetDateTime.class);
        break;
      case ARRAY:
        value = array(rs, i);
        break;
      default:
        value = canonical(rs.getObject(i), rs, i);
        break;
    }
    if (value == null || value instanceof String) {
      return value;
    }
    if (integersPrintPlain
        && (value instanceof Integer
            || value instanceof Long
            || value instanceof Short
            || value instanceof Byte)) {
      return value;
    }
    // Drivers render values their own way (PostgreSQL booleans are "t"/"f"): keep their text.
    String text = rs.getString(i);
    if (text != null && !text.equals(JdbcConversions.defaultText(value))) {
      return new Texted(value, text);
    }
    return value;
  }

  private static @Nullable Object canonical(@Nullable Object v, ResultSet rs, int i)
      throws SQLException {
    if (v == null
        || v instanceof String
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof Double
        || v instanceof Float
        || v instanceof BigDecimal
        || v instanceof BigInteger
        || v instanceof byte[]
        || v instanceof UUID
        || v instanceof LocalDate
        || v instanceof LocalTime
        || v instanceof LocalDateTime
        || v instanceof OffsetDateTime
        || v instanceof OffsetTime) {
      return v;
    }
    if (v instanceof java.sql.Timestamp) {
      return ((java.sql.Timestamp) v).toLocalDateTime();
    }
    if (v instanceof java.sql.Date) {
      return ((java.sql.Date) v).toLocalDate();
    }
    if (v instanceof java.sql.Time) {
      return rs.getObject(i, LocalTime.class);
    }
    if (v instanceof Clob) {
      Clob c = (Clob) v;
      return c.getSubString(1, (int) c.length());
    }
    if (v instanceof Blob) {
      Blob b = (Blob) v;
      return b.getBytes(1, (int) b.length());
    }
    if (v instanceof SQLXML) {
      return ((SQLXML) v).getString();
    }
    if (v instanceof java.time.Instant) {
      return ((java.time.Instant) v).atOffset(ZoneOffset.UTC);
    }
    // PGobject (json, jsonb, inet) and other textual driver objects: their text is the value.
    return rs.getString(i);
  }

  private static @Nullable Object array(ResultSet rs, int i) throws SQLException {
    Array a = rs.getArray(i);
    if (a == null) {
      return null;
    }
    ArrayValue v = arrayValue(a);
    return v != null ? v : rs.getString(i); // arrays the cache cannot rebuild keep their text
  }

  private static @Nullable ArrayValue arrayValue(Array a) throws SQLException {
    Object raw = a.getArray();
    if (!(raw instanceof Object[])) {
      return null;
    }
    Object[] source = (Object[]) raw;
    Object[] elements = new Object[source.length];
    for (int k = 0; k < source.length; k++) {
      Object e = source[k];
      if (e instanceof Array) {
        e = arrayValue((Array) e);
        if (e == null) {
          return null;
        }
      } else if (e instanceof java.sql.Timestamp) {
        e = ((java.sql.Timestamp) e).toLocalDateTime();
      } else if (e instanceof java.sql.Date) {
        e = ((java.sql.Date) e).toLocalDate();
      } else if (e != null
          && !(e instanceof String
              || e instanceof Number
              || e instanceof Boolean
              || e instanceof UUID
              || e instanceof byte[])) {
        return null;
      }
      if (e instanceof Number
          && !(e instanceof Integer
              || e instanceof Long
              || e instanceof Short
              || e instanceof Byte
              || e instanceof Float
              || e instanceof Double
              || e instanceof BigDecimal
              || e instanceof BigInteger)) {
        return null;
      }
      elements[k] = e;
    }
    String baseTypeName;
    int baseType;
    try {
      baseTypeName = a.getBaseTypeName();
      baseType = a.getBaseType();
    } catch (SQLException e) {
      baseTypeName = "";
      baseType = Types.OTHER;
    }
    return new ArrayValue(baseTypeName == null ? "" : baseTypeName, baseType, elements);
  }

  private static ColumnInfo column(ResultSetMetaData md, int i) throws SQLException {
    return new ColumnInfo(
        orEmpty(md.getColumnName(i)),
        orEmpty(md.getColumnLabel(i)),
        md.getColumnType(i),
        orEmpty(md.getColumnTypeName(i)),
        orEmpty(safe(() -> md.getColumnClassName(i), "java.lang.Object")),
        safe(() -> md.getPrecision(i), 0),
        safe(() -> md.getScale(i), 0),
        safe(() -> md.isNullable(i), ResultSetMetaData.columnNullableUnknown),
        safe(() -> md.getColumnDisplaySize(i), 0),
        safe(() -> md.isSigned(i), false),
        safe(() -> md.isAutoIncrement(i), false),
        safe(() -> md.isCaseSensitive(i), false),
        safe(() -> md.isCurrency(i), false),
        safe(() -> md.isSearchable(i), true),
        orEmpty(safe(() -> md.getTableName(i), "")),
        orEmpty(safe(() -> md.getSchemaName(i), "")),
        orEmpty(safe(() -> md.getCatalogName(i), "")));
  }

  private interface MetaCall<T> {
    T call() throws SQLException;
  }

  private static <T> T safe(MetaCall<T> call, T fallback) {
    try {
      T v = call.call();
      return v == null ? fallback : v;
    } catch (SQLException | RuntimeException e) {
      return fallback; // some drivers do not support every metadata call
    }
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
