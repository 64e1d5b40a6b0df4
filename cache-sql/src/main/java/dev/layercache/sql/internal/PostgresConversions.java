package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL driver's getters (its text protocol), reproduced over the driver's own text of
 * each cell: like the driver, every conversion starts from that text and the column's type.
 *
 * <p>Not reproduced, so not cached: {@code oid} columns (large-object references, whose content
 * {@code getBlob} reads from the server), {@code hstore} (a driver map), {@code refcursor} (an open
 * cursor), and arrays of element types outside the driver's built-in table.
 */
final class PostgresConversions extends DriverConversions {
  private static final Set<String> NOT_REPRODUCED =
      Set.of("oid", "hstore", "refcursor", "box", "lseg");

  // The element types of types that are not arrays but that the driver reads as arrays.
  private static final Map<String, String> ELEMENTS_OF_SCALARS =
      Map.of(
          "name", "char",
          "point", "float8",
          "line", "float8",
          "int2vector", "int2",
          "oidvector", "oid");

  // Element types of arrays whose elements the driver decodes from text itself, by type name.
  private static final Map<String, Class<?>> ELEMENT_CLASSES =
      Map.ofEntries(
          Map.entry("int8", Long.class),
          Map.entry("oid", Long.class),
          Map.entry("int4", Integer.class),
          Map.entry("int2", Short.class),
          Map.entry("float8", Double.class),
          Map.entry("money", Double.class),
          Map.entry("float4", Float.class),
          Map.entry("text", String.class),
          Map.entry("varchar", String.class),
          Map.entry("bpchar", String.class),
          Map.entry("char", String.class),
          Map.entry("json", String.class),
          Map.entry("jsonb", String.class),
          Map.entry("bool", Boolean.class),
          Map.entry("bit", Boolean.class),
          Map.entry("bytea", byte[].class),
          Map.entry("numeric", BigDecimal.class),
          Map.entry("date", Date.class),
          Map.entry("time", Time.class),
          Map.entry("timetz", Time.class),
          Map.entry("timestamp", Timestamp.class),
          Map.entry("timestamptz", Timestamp.class),
          Map.entry("uuid", UUID.class));

  // What the driver's type table reports for those element types.
  private static final Map<String, Integer> ELEMENT_TYPES =
      Map.ofEntries(
          Map.entry("int8", Types.BIGINT),
          Map.entry("oid", Types.BIGINT),
          Map.entry("int4", Types.INTEGER),
          Map.entry("int2", Types.SMALLINT),
          Map.entry("float8", Types.DOUBLE),
          Map.entry("money", Types.DOUBLE),
          Map.entry("float4", Types.REAL),
          Map.entry("text", Types.VARCHAR),
          Map.entry("varchar", Types.VARCHAR),
          Map.entry("bpchar", Types.CHAR),
          Map.entry("char", Types.CHAR),
          Map.entry("json", Types.OTHER),
          Map.entry("jsonb", Types.OTHER),
          Map.entry("bool", Types.BIT),
          Map.entry("bit", Types.BIT),
          Map.entry("bytea", Types.BINARY),
          Map.entry("numeric", Types.NUMERIC),
          Map.entry("date", Types.DATE),
          Map.entry("time", Types.TIME),
          Map.entry("timetz", Types.TIME),
          Map.entry("timestamp", Types.TIMESTAMP),
          Map.entry("timestamptz", Types.TIMESTAMP),
          Map.entry("uuid", Types.OTHER));

  // The driver's own classes for some types' getObject; the rest are its plain PGobject.
  private static final Map<String, String> OBJECT_CLASSES =
      Map.of(
          "box", "org.postgresql.geometric.PGbox",
          "circle", "org.postgresql.geometric.PGcircle",
          "line", "org.postgresql.geometric.PGline",
          "lseg", "org.postgresql.geometric.PGlseg",
          "path", "org.postgresql.geometric.PGpath",
          "point", "org.postgresql.geometric.PGpoint",
          "polygon", "org.postgresql.geometric.PGpolygon",
          "interval", "org.postgresql.util.PGInterval");

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final ClassLoader driverClasses;

  PostgresConversions(ClassLoader driverClasses) {
    super(RoundingMode.DOWN, true);
    this.driverClasses = driverClasses;
  }

  @Override
  @Nullable CellReader reader(ColumnInfo c) {
    String type = c.typeName();
    if (NOT_REPRODUCED.contains(type)) {
      return null;
    }
    if (c.sqlType() == Types.ARRAY && !ELEMENT_CLASSES.containsKey(elementType(type))) {
      return null;
    }
    if (type.equals("bytea")) {
      // Its text from the bytes: in the binary protocol the driver has no text of its own.
      return (rs, i) -> {
        byte[] b = rs.getBytes(i);
        return b == null ? null : "\\x" + HexFormat.of().formatHex(b);
      };
    }
    return (rs, i) -> rs.getString(i);
  }

  private static String elementType(String arrayType) {
    return arrayType.startsWith("_") ? arrayType.substring(1) : arrayType;
  }

  private static String text(Object cell) {
    return (String) cell;
  }

  // ---------------------------------------------------------------- errors

  private static SQLException badValue(String type, String s) {
    return new SQLException("Bad value for type " + type + " : " + s, "22003");
  }

  private static SQLException notImplemented(String method) {
    return new SQLFeatureNotSupportedException(
        "Method " + method + " is not yet implemented.", "0A000");
  }

  private static SQLException typeMismatch(ColumnInfo c, String target) {
    return new SQLException(
        "Cannot convert the column of type " + c.typeName() + " to requested type " + target + ".",
        "42821");
  }

  private static SQLException unsupported(Class<?> type, ColumnInfo c) {
    return new SQLException(
        "conversion to " + type + " from " + c.typeName() + " not supported", "22023");
  }

  // ---------------------------------------------------------------- numbers and text

  /** The text of a money value as a number: {@code $1.00} and {@code ($1.00)} lose the symbol. */
  private static String withoutMoney(String s) {
    if (s.length() < 2) {
      return s;
    }
    char first = s.charAt(0);
    if (first > '-') {
      return s;
    }
    if (first == '(') {
      String inner = s.substring(1);
      if (inner.endsWith(")")) {
        inner = inner.substring(0, inner.length() - 1);
      }
      return "-" + inner.substring(1);
    }
    if (first == '$') {
      return s.substring(1);
    }
    if (first == '-' && s.charAt(1) == '$') {
      return "-" + s.substring(2);
    }
    return s;
  }

  /** The driver's quick path for integers: plain digits, a fraction ignored. */
  private static @Nullable Long quickInteger(String s, long min, long max) {
    int n = s.length();
    if (n == 0) {
      return null;
    }
    boolean negative = s.charAt(0) == '-';
    long v = 0;
    int i = negative ? 1 : 0;
    while (i < n) {
      char ch = s.charAt(i++);
      if (ch < '0' || ch > '9') {
        if (ch != '.' || n == (negative ? 2 : 1)) {
          return null;
        }
        while (i < n) {
          char d = s.charAt(i++);
          if (d < '0' || d > '9') {
            return null;
          }
        }
        break;
      }
      if (v > Long.MAX_VALUE / 10) {
        return null;
      }
      v = v * 10 + (ch - '0');
    }
    if (v < 0) {
      if (!(negative && v == Long.MIN_VALUE)) {
        return null;
      }
    } else if (negative) {
      v = -v;
    }
    return v < min || v > max ? null : v;
  }

  private static long integral(String raw, long min, long max, String type, boolean money)
      throws SQLException {
    Long quick = quickInteger(raw, min, max);
    if (quick != null) {
      return quick;
    }
    String s = (money ? withoutMoney(raw) : raw).trim();
    try {
      long v = Long.parseLong(s);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // not a plain integer: read as a decimal
    }
    return slowIntegral(s, min, max, type);
  }

  private static long slowIntegral(String s, long min, long max, String type) throws SQLException {
    try {
      BigInteger i = new BigDecimal(s).toBigInteger();
      if (i.compareTo(BigInteger.valueOf(max)) > 0 || i.compareTo(BigInteger.valueOf(min)) < 0) {
        throw badValue(type, s);
      }
      return i.longValue();
    } catch (NumberFormatException e) {
      throw badValue(type, s);
    }
  }

  @Override
  @Nullable String getString(@Nullable Object cell, ColumnInfo c) {
    return cell == null ? null : text(cell);
  }

  @Override
  boolean getBoolean(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return false;
    }
    if (c.typeName().equals("bool")) {
      return text(cell).equals("t");
    }
    return textBoolean(text(cell));
  }

  private static boolean textBoolean(String raw) throws SQLException {
    String s = raw.trim();
    if (s.equals("1")
        || s.equalsIgnoreCase("true")
        || s.equalsIgnoreCase("t")
        || s.equalsIgnoreCase("yes")
        || s.equalsIgnoreCase("y")
        || s.equalsIgnoreCase("on")) {
      return true;
    }
    if (s.equals("0")
        || s.equalsIgnoreCase("false")
        || s.equalsIgnoreCase("f")
        || s.equalsIgnoreCase("no")
        || s.equalsIgnoreCase("n")
        || s.equalsIgnoreCase("off")) {
      return false;
    }
    throw new SQLException("Cannot cast to boolean: \"" + raw + "\"", "42846");
  }

  @Override
  byte getByte(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return 0;
    }
    String raw = text(cell);
    Long quick = quickInteger(raw, Byte.MIN_VALUE, Byte.MAX_VALUE);
    if (quick != null) {
      return quick.byteValue();
    }
    String s = raw.trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Byte.parseByte(s);
    } catch (NumberFormatException e) {
      return (byte) slowIntegral(s, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }
  }

  @Override
  short getShort(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null
        ? 0
        : (short) integral(text(cell), Short.MIN_VALUE, Short.MAX_VALUE, "short", true);
  }

  @Override
  int getInt(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null
        ? 0
        : (int) integral(text(cell), Integer.MIN_VALUE, Integer.MAX_VALUE, "int", true);
  }

  @Override
  long getLong(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : integral(text(cell), Long.MIN_VALUE, Long.MAX_VALUE, "long", true);
  }

  @Override
  float getFloat(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return 0;
    }
    String s = withoutMoney(text(cell)).trim();
    try {
      return Float.parseFloat(s);
    } catch (NumberFormatException e) {
      throw badValue("float", s);
    }
  }

  @Override
  double getDouble(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return 0;
    }
    String s = withoutMoney(text(cell)).trim();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw badValue("double", s);
    }
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : (BigDecimal) numeric(text(cell), -1, false);
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c, int scale)
      throws SQLException {
    return cell == null ? null : (BigDecimal) numeric(text(cell), scale, false);
  }

  private static Number numeric(String raw, int scale, boolean allowSpecial) throws SQLException {
    BigDecimal quick = quickDecimal(raw);
    if (quick != null) {
      return scaled(quick, scale);
    }
    String s = withoutMoney(raw);
    if (allowSpecial) {
      if (s.equalsIgnoreCase("NaN")) {
        return Double.NaN;
      } else if (s.equalsIgnoreCase("Infinity")) {
        return Double.POSITIVE_INFINITY;
      } else if (s.equalsIgnoreCase("-Infinity")) {
        return Double.NEGATIVE_INFINITY;
      }
    }
    String t = s.trim();
    try {
      return scaled(new BigDecimal(t), scale);
    } catch (NumberFormatException e) {
      throw badValue("BigDecimal", t);
    }
  }

  private static BigDecimal scaled(BigDecimal d, int scale) throws SQLException {
    if (scale == -1) {
      return d;
    }
    // The driver rounds half to even (0.125 -> 0.12, 0.135 -> 0.14).
    return d.setScale(scale, java.math.RoundingMode.HALF_EVEN);
  }

  /** The driver's quick path for decimals: at most 18 digits and one point. */
  private static @Nullable BigDecimal quickDecimal(String s) {
    int n = s.length();
    if (n == 0) {
      return null;
    }
    boolean negative = s.charAt(0) == '-';
    if (negative ? (n == 1 || n > 19) : n > 18) {
      return null;
    }
    int i = negative ? 1 : 0;
    int scale = 0;
    int points = 0;
    long v = 0;
    while (i < n) {
      char ch = s.charAt(i++);
      if (ch < '0' || ch > '9') {
        if (ch == '.' && points == 0) {
          scale = n - i;
          points++;
          continue;
        }
        return null;
      }
      v = v * 10 + (ch - '0');
    }
    if (points == (negative ? n - 1 : n)) {
      return null;
    }
    return BigDecimal.valueOf(negative ? -v : v, scale);
  }

  @Override
  byte @Nullable [] getBytes(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return null;
    }
    String s = text(cell);
    if (c.typeName().equals("bytea")) {
      return byteaBytes(s);
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] byteaBytes(String s) {
    if (s.startsWith("\\x")) {
      return HexFormat.of().parseHex(s, 2, s.length());
    }
    // The escape format: backslash-escaped octets, doubled backslashes.
    byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\\' && i + 1 < raw.length && raw[i + 1] == '\\') {
        out.write('\\');
        i++;
      } else if (b == '\\' && i + 3 < raw.length) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  @Override
  @Nullable InputStream getAsciiStream(@Nullable Object cell, ColumnInfo c) {
    return cell == null
        ? null
        : new ByteArrayInputStream(text(cell).getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  @Nullable InputStream getUnicodeStream(@Nullable Object cell, ColumnInfo c) {
    return cell == null
        ? null
        : new ByteArrayInputStream(text(cell).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  @Nullable Reader getCharacterStream(@Nullable Object cell, ColumnInfo c) {
    return cell == null ? null : new CharArrayReader(text(cell).toCharArray());
  }

  @Override
  @Nullable Reader getNCharacterStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getNCharacterStream(int)");
  }

  @Override
  @Nullable String getNString(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getNString(int)");
  }

  @Override
  @Nullable NClob getNClob(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getNClob(int)");
  }

  @Override
  @Nullable URL getURL(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getURL(int)");
  }

  @Override
  @Nullable Ref getRef(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getRef(int)");
  }

  @Override
  @Nullable RowId getRowId(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getRowId(int)");
  }

  @Override
  @Nullable SQLXML getSQLXML(@Nullable Object cell, ColumnInfo c) {
    return cell == null ? null : new TextSqlXml(text(cell));
  }

  // ---------------------------------------------------------------- large objects

  // The driver reads a large object whose oid is the value: never without a transaction.
  private static SQLException largeObject(Session session) throws SQLException {
    if (session.autoCommit()) {
      return new SQLException("Large Objects may not be used in auto-commit mode.", "25P01");
    }
    return new SQLFeatureNotSupportedException(
        "a cached result cannot open large objects", "0A000");
  }

  @Override
  @Nullable Blob getBlob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    if (cell == null) {
      return null;
    }
    getLong(cell, c);
    throw largeObject(session);
  }

  @Override
  @Nullable Clob getClob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    if (cell == null) {
      return null;
    }
    getLong(cell, c);
    throw largeObject(session);
  }

  // ---------------------------------------------------------------- dates and times

  private static Calendar orDefault(@Nullable Calendar cal) {
    return cal != null ? cal : new GregorianCalendar();
  }

  @Override
  @Nullable Date getDate(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    return cell == null ? null : PostgresTimestamps.toDate(orDefault(cal), text(cell));
  }

  @Override
  @Nullable Time getTime(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    return cell == null ? null : PostgresTimestamps.toTime(orDefault(cal), text(cell));
  }

  @Override
  @Nullable Timestamp getTimestamp(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    if (cell == null) {
      return null;
    }
    Calendar calendar = orDefault(cal);
    String s = text(cell);
    String type = c.typeName();
    if (type.equals("time") || type.equals("timetz")) {
      // A time of day on 1970-01-01, with the text's fraction of a second.
      Timestamp withNanos = PostgresTimestamps.toTimestamp(calendar, s);
      Timestamp t = new Timestamp(PostgresTimestamps.toTime(calendar, s).getTime());
      t.setNanos(withNanos.getNanos());
      return t;
    }
    return PostgresTimestamps.toTimestamp(calendar, s);
  }

  private static @Nullable LocalDateTime localDateTime(String s, ColumnInfo c) throws SQLException {
    if (!c.typeName().equals("timestamp")) {
      throw typeMismatch(c, "java.time.LocalDateTime");
    }
    return PostgresTimestamps.toLocalDateTime(s);
  }

  private static LocalDate localDate(String s, ColumnInfo c) throws SQLException {
    switch (c.typeName()) {
      case "date":
        return PostgresTimestamps.toLocalDate(s);
      case "timestamp":
        return PostgresTimestamps.toLocalDateTime(s).toLocalDate();
      default:
        throw typeMismatch(c, "java.time.LocalDate");
    }
  }

  private static LocalTime localTime(String s, ColumnInfo c) throws SQLException {
    if (!c.typeName().equals("time")) {
      throw typeMismatch(c, "java.time.LocalTime");
    }
    return PostgresTimestamps.toLocalTime(s);
  }

  private static OffsetDateTime offsetDateTime(String s, ColumnInfo c) throws SQLException {
    switch (c.typeName()) {
      case "timestamptz":
      case "timestamp":
        OffsetDateTime t = PostgresTimestamps.toOffsetDateTime(s);
        return t == OffsetDateTime.MAX || t == OffsetDateTime.MIN
            ? t
            : t.withOffsetSameInstant(ZoneOffset.UTC);
      case "timetz":
        return PostgresTimestamps.toOffsetDateTime(s);
      default:
        throw typeMismatch(c, "java.time.OffsetDateTime");
    }
  }

  private static OffsetTime offsetTime(String s, ColumnInfo c) throws SQLException {
    if (!c.typeName().equals("timetz")) {
      throw typeMismatch(c, "java.time.OffsetTime");
    }
    return PostgresTimestamps.toOffsetTime(s);
  }

  // ---------------------------------------------------------------- objects

  @Override
  @Nullable Object getObject(@Nullable Object cell, ColumnInfo c, Session session)
      throws SQLException {
    if (cell == null) {
      return null;
    }
    String s = text(cell);
    switch (c.sqlType()) {
      case Types.BOOLEAN:
      case Types.BIT:
        if (c.typeName().equals("bool")
            || (c.typeName().equals("bit") && s.getBytes(StandardCharsets.UTF_8).length == 1)) {
          return getBoolean(cell, c);
        }
        return driverObject(c.typeName(), s);
      case Types.SQLXML:
        return getSQLXML(cell, c);
      case Types.TINYINT:
      case Types.SMALLINT:
      case Types.INTEGER:
        return getInt(cell, c);
      case Types.BIGINT:
        return getLong(cell, c);
      case Types.NUMERIC:
      case Types.DECIMAL:
        return numeric(s, -1, true);
      case Types.REAL:
        return getFloat(cell, c);
      case Types.FLOAT:
      case Types.DOUBLE:
        return getDouble(cell, c);
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
        return s;
      case Types.DATE:
        return getDate(cell, c, null, session);
      case Types.TIME:
        return getTime(cell, c, null, session);
      case Types.TIMESTAMP:
        return getTimestamp(cell, c, null, session);
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
        return getBytes(cell, c);
      case Types.ARRAY:
        return getArray(cell, c);
      case Types.CLOB:
        return getClob(cell, c, session);
      case Types.BLOB:
        return getBlob(cell, c, session);
      default:
        switch (c.typeName()) {
          case "unknown":
            return s;
          case "uuid":
            try {
              return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
              throw new SQLException("Invalid UUID data.", "22023", e);
            }
          default:
            return driverObject(c.typeName(), s);
        }
    }
  }

  /** The driver's object for a type it has no Java type for: its PGobject or a subclass. */
  private Object driverObject(String type, String value) throws SQLException {
    String name = OBJECT_CLASSES.getOrDefault(type, "org.postgresql.util.PGobject");
    try {
      Class<?> k = Class.forName(name, true, driverClasses);
      Object o = k.getDeclaredConstructor().newInstance();
      k.getMethod("setType", String.class).invoke(o, type);
      k.getMethod("setValue", String.class).invoke(o, value);
      return o;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException) {
        throw (SQLException) e.getCause();
      }
      throw new SQLException("the driver could not build a " + type + " value", "XX000", e);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new SQLException("the driver's class " + name + " is not available", "XX000", e);
    }
  }

  @Override
  @Nullable Object getObject(
      @Nullable Object cell, ColumnInfo c, @Nullable Map<String, Class<?>> map, Session session)
      throws SQLException {
    if (map == null || map.isEmpty()) {
      return getObject(cell, c, session);
    }
    throw notImplemented("org.postgresql.jdbc.PgResultSet.getObjectImpl(int,Map)");
  }

  @Override
  <T> @Nullable T getObject(@Nullable Object cell, ColumnInfo c, Class<T> type, Session session)
      throws SQLException {
    if (type == null) {
      throw new SQLException("type is null");
    }
    return type.cast(object(cell, c, type, session));
  }

  private @Nullable Object object(
      @Nullable Object cell, ColumnInfo c, Class<?> type, Session session) throws SQLException {
    int sqlType = c.sqlType();
    if (type == BigDecimal.class) {
      require(sqlType == Types.NUMERIC || sqlType == Types.DECIMAL, type, c);
      return getBigDecimal(cell, c);
    } else if (type == String.class) {
      require(sqlType == Types.CHAR || sqlType == Types.VARCHAR, type, c);
      return getString(cell, c);
    } else if (type == Boolean.class) {
      require(sqlType == Types.BOOLEAN || sqlType == Types.BIT, type, c);
      return cell == null ? null : getBoolean(cell, c);
    } else if (type == Short.class) {
      require(sqlType == Types.SMALLINT, type, c);
      return cell == null ? null : getShort(cell, c);
    } else if (type == Integer.class) {
      require(sqlType == Types.INTEGER || sqlType == Types.SMALLINT, type, c);
      return cell == null ? null : getInt(cell, c);
    } else if (type == Long.class) {
      require(sqlType == Types.BIGINT, type, c);
      return cell == null ? null : getLong(cell, c);
    } else if (type == BigInteger.class) {
      require(sqlType == Types.BIGINT, type, c);
      return cell == null ? null : BigInteger.valueOf(getLong(cell, c));
    } else if (type == Float.class) {
      require(sqlType == Types.REAL, type, c);
      return cell == null ? null : getFloat(cell, c);
    } else if (type == Double.class) {
      require(sqlType == Types.FLOAT || sqlType == Types.DOUBLE, type, c);
      return cell == null ? null : getDouble(cell, c);
    } else if (type == Date.class) {
      require(sqlType == Types.DATE, type, c);
      return getDate(cell, c, null, session);
    } else if (type == Time.class) {
      require(sqlType == Types.TIME, type, c);
      return getTime(cell, c, null, session);
    } else if (type == Timestamp.class) {
      require(sqlType == Types.TIMESTAMP || sqlType == Types.TIMESTAMP_WITH_TIMEZONE, type, c);
      return getTimestamp(cell, c, null, session);
    } else if (type == Blob.class) {
      require(sqlType == Types.BLOB || sqlType == Types.BINARY || sqlType == Types.BIGINT, type, c);
      return getBlob(cell, c, session);
    } else if (type == Clob.class) {
      require(sqlType == Types.CLOB || sqlType == Types.BIGINT, type, c);
      return getClob(cell, c, session);
    } else if (type == Array.class) {
      require(sqlType == Types.ARRAY, type, c);
      return getArray(cell, c);
    } else if (type == SQLXML.class) {
      require(sqlType == Types.SQLXML, type, c);
      return getSQLXML(cell, c);
    } else if (type == byte[].class) {
      require(
          sqlType == Types.BINARY || sqlType == Types.VARBINARY || sqlType == Types.LONGVARBINARY,
          type,
          c);
      return getBytes(cell, c);
    } else if (type == UUID.class) {
      return getObject(cell, c, session);
    }
    if (cell == null && isJavaTime(type)) {
      return null;
    }
    if (type == LocalDate.class) {
      return localDate(text(cell), c);
    } else if (type == LocalTime.class) {
      return localTime(text(cell), c);
    } else if (type == LocalDateTime.class) {
      return localDateTime(text(cell), c);
    } else if (type == OffsetDateTime.class) {
      return offsetDateTime(text(cell), c);
    } else if (type == OffsetTime.class) {
      return offsetTime(text(cell), c);
    }
    throw unsupported(type, c);
  }

  private static boolean isJavaTime(Class<?> type) {
    return type == LocalDate.class
        || type == LocalTime.class
        || type == LocalDateTime.class
        || type == OffsetDateTime.class
        || type == OffsetTime.class;
  }

  private static void require(boolean supported, Class<?> type, ColumnInfo c) throws SQLException {
    if (!supported) {
      throw unsupported(type, c);
    }
  }

  // ---------------------------------------------------------------- arrays

  @Override
  @Nullable Array getArray(@Nullable Object cell, ColumnInfo c) {
    return cell == null ? null : new TextArray(c.typeName(), withoutMoney(text(cell)));
  }

  /** An array as the driver returns it from its text: elements decoded when asked for. */
  private static final class TextArray extends DetachedArray {
    private final String type;
    private final String text;

    TextArray(String type, String text) {
      this.type = type;
      this.text = text;
    }

    private String element() throws SQLException {
      if (type.startsWith("_")) {
        return type.substring(1);
      }
      String scalarElement = ELEMENTS_OF_SCALARS.get(type);
      if (scalarElement == null) {
        // The driver looks the element type up in the catalog, and finds none.
        throw new SQLException("No results were returned by the query.", "02000");
      }
      return scalarElement;
    }

    @Override
    public String getBaseTypeName() throws SQLException {
      return element();
    }

    @Override
    public int getBaseType() throws SQLException {
      return ELEMENT_TYPES.get(element());
    }

    @Override
    public Object getArray() throws SQLException {
      return getArray(1, 0);
    }

    @Override
    public Object getArray(@Nullable Map<String, Class<?>> map) throws SQLException {
      requireNoMap(map);
      return getArray();
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
      if (index < 1) {
        throw new SQLException("The array index is out of range: " + index, "22000");
      }
      String element = element();
      java.util.List<Object> list = PostgresArrayText.parse(text);
      int n = count == 0 ? list.size() : count;
      if ((index - 1) + n > list.size()) {
        throw new SQLException(
            "The array index is out of range: "
                + (index + n)
                + ", number of elements: "
                + list.size()
                + ".",
            "22000");
      }
      java.util.List<Object> slice = list.subList((int) index - 1, (int) index - 1 + n);
      return PostgresArrayText.build(slice, ELEMENT_CLASSES.get(element), e -> decode(element, e));
    }

    @Override
    public Object getArray(long index, int count, @Nullable Map<String, Class<?>> map)
        throws SQLException {
      requireNoMap(map);
      return getArray(index, count);
    }

    private static void requireNoMap(@Nullable Map<String, Class<?>> map) throws SQLException {
      if (map != null && !map.isEmpty()) {
        throw notImplemented("org.postgresql.jdbc.PgArray.getArrayImpl(long,int,Map)");
      }
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** One element of an array, from its text, as the driver's decoder for its type reads it. */
  private static Object decode(String element, String s) throws SQLException {
    switch (element) {
      case "int8":
      case "oid":
        return integral(s, Long.MIN_VALUE, Long.MAX_VALUE, "long", false);
      case "int4":
        return (int) integral(s, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", false);
      case "int2":
        return (short) integral(s, Short.MIN_VALUE, Short.MAX_VALUE, "short", false);
      case "float8":
      case "money":
        try {
          return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          throw badValue("double", s.trim());
        }
      case "float4":
        try {
          return Float.parseFloat(s.trim());
        } catch (NumberFormatException e) {
          throw badValue("float", s.trim());
        }
      case "bool":
      case "bit":
        return textBoolean(s);
      case "bytea":
        return byteaBytes(s);
      case "numeric":
        try {
          return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
          throw badValue("BigDecimal", s.trim());
        }
      case "date":
        return PostgresTimestamps.toDate(new GregorianCalendar(), s);
      case "time":
      case "timetz":
        return PostgresTimestamps.toTime(null, s);
      case "timestamp":
      case "timestamptz":
        return PostgresTimestamps.toTimestamp(null, s);
      case "uuid":
        return UUID.fromString(s);
      default:
        return s;
    }
  }
}
