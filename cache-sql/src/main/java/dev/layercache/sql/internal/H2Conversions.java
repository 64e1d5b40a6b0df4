package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import dev.layercache.sql.internal.CellValues.ArrayValue;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.ByteBuffer;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The H2 driver's getters, reproduced over canonical cells: H2 converts a value by its SQL type
 * (the column's), so each cell is read as the value of that type it holds. Dates and times follow
 * H2's proleptic calendar and the session's time zone, the JVM's.
 *
 * <p>Not reproduced, so not cached: DECFLOAT (its NaN and infinities have no canonical form),
 * intervals and GEOMETRY (the driver's own classes), JAVA_OBJECT (deserialized objects), ROW and
 * ENUM.
 */
final class H2Conversions extends DriverConversions {
  /** H2's data types, as far as the cache holds them. */
  private enum Kind {
    TINYINT,
    SMALLINT,
    INTEGER,
    BIGINT,
    NUMERIC,
    REAL,
    DOUBLE,
    CHAR,
    VARCHAR,
    VARCHAR_IGNORECASE,
    CLOB,
    BOOLEAN,
    BINARY,
    VARBINARY,
    BLOB,
    UUID,
    DATE,
    TIME,
    TIME_TZ,
    TIMESTAMP,
    TIMESTAMP_TZ,
    JSON,
    ARRAY;

    boolean isString() {
      return this == CHAR || this == VARCHAR || this == VARCHAR_IGNORECASE;
    }

    boolean isIntegral() {
      return this == TINYINT || this == SMALLINT || this == INTEGER || this == BIGINT;
    }

    boolean isNumber() {
      return isIntegral() || this == NUMERIC || this == REAL || this == DOUBLE;
    }

    boolean isBinary() {
      return this == BINARY || this == VARBINARY || this == BLOB;
    }
  }

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry("TINYINT", Kind.TINYINT),
          Map.entry("SMALLINT", Kind.SMALLINT),
          Map.entry("INTEGER", Kind.INTEGER),
          Map.entry("BIGINT", Kind.BIGINT),
          Map.entry("NUMERIC", Kind.NUMERIC),
          Map.entry("REAL", Kind.REAL),
          Map.entry("DOUBLE PRECISION", Kind.DOUBLE),
          Map.entry("CHARACTER", Kind.CHAR),
          Map.entry("CHARACTER VARYING", Kind.VARCHAR),
          Map.entry("VARCHAR_IGNORECASE", Kind.VARCHAR_IGNORECASE),
          Map.entry("CHARACTER LARGE OBJECT", Kind.CLOB),
          Map.entry("BOOLEAN", Kind.BOOLEAN),
          Map.entry("BINARY", Kind.BINARY),
          Map.entry("BINARY VARYING", Kind.VARBINARY),
          Map.entry("BINARY LARGE OBJECT", Kind.BLOB),
          Map.entry("UUID", Kind.UUID),
          Map.entry("DATE", Kind.DATE),
          Map.entry("TIME", Kind.TIME),
          Map.entry("TIME WITH TIME ZONE", Kind.TIME_TZ),
          Map.entry("TIMESTAMP", Kind.TIMESTAMP),
          Map.entry("TIMESTAMP WITH TIME ZONE", Kind.TIMESTAMP_TZ),
          Map.entry("JSON", Kind.JSON));

  private static final Set<Class<?>> JAVA_TIME =
      Set.of(
          LocalDate.class,
          LocalTime.class,
          LocalDateTime.class,
          OffsetTime.class,
          OffsetDateTime.class,
          ZonedDateTime.class,
          Instant.class);

  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;

  H2Conversions() {
    super(RoundingMode.HALF_UP, true);
  }

  private static @Nullable Kind kindOf(String typeName, int sqlType) {
    if (sqlType == Types.ARRAY) {
      return Kind.ARRAY;
    }
    return KINDS.get(typeName);
  }

  private static Kind kindOf(ColumnInfo c) {
    Kind k = kindOf(c.typeName(), c.sqlType());
    if (k == null) {
      throw new IllegalStateException("no reader is made for H2 type " + c.typeName());
    }
    return k;
  }

  // Element types of arrays whose elements the cache holds as H2 returns them.
  private static final Set<Kind> ARRAY_ELEMENTS =
      Set.of(
          Kind.TINYINT,
          Kind.SMALLINT,
          Kind.INTEGER,
          Kind.BIGINT,
          Kind.NUMERIC,
          Kind.REAL,
          Kind.DOUBLE,
          Kind.CHAR,
          Kind.VARCHAR,
          Kind.VARCHAR_IGNORECASE,
          Kind.BOOLEAN,
          Kind.BINARY,
          Kind.VARBINARY,
          Kind.UUID);

  @Override
  @Nullable CellReader reader(ColumnInfo c) {
    Kind k = kindOf(c.typeName(), c.sqlType());
    if (k == null) {
      return null;
    }
    if (k == Kind.ARRAY) {
      // "CHARACTER VARYING(10) ARRAY": the element type, without its length.
      String element = c.typeName().replaceAll("\\([^)]*\\)", "");
      while (element.endsWith(" ARRAY")) {
        element = element.substring(0, element.length() - " ARRAY".length());
      }
      Kind e = KINDS.get(element);
      if (e == null || !ARRAY_ELEMENTS.contains(e)) {
        return null;
      }
    }
    return super.reader(c);
  }

  /** One H2 value: its type and canonical Java value. */
  private record Value(Kind kind, Object v, @Nullable String text) {
    static @Nullable Value of(@Nullable Object cell, ColumnInfo c) {
      if (cell == null) {
        return null;
      }
      Object v = CellValues.value(cell);
      Kind k = kindOf(c);
      // The text only where it is not the value's own (a number's getLong must not print it).
      String text =
          cell instanceof CellValues.Texted || k == Kind.JSON ? JdbcConversions.toText(cell) : null;
      return new Value(k, v, text);
    }

    static Value element(Object e, String baseTypeName, int baseType) {
      Kind k = kindOf(baseTypeName, baseType);
      if (k == null) {
        k = e instanceof ArrayValue ? Kind.ARRAY : Kind.VARCHAR;
      }
      return new Value(k, e, null);
    }

    String typeName() {
      switch (kind) {
        case DOUBLE:
          return "DOUBLE PRECISION";
        case CHAR:
          return "CHARACTER";
        case VARCHAR:
          return "CHARACTER VARYING";
        case CLOB:
          return "CHARACTER LARGE OBJECT";
        case VARBINARY:
          return "BINARY VARYING";
        case BLOB:
          return "BINARY LARGE OBJECT";
        case TIME_TZ:
          return "TIME WITH TIME ZONE";
        case TIMESTAMP_TZ:
          return "TIMESTAMP WITH TIME ZONE";
        default:
          return kind.name();
      }
    }

    SQLException conversion(String target) {
      return new SQLException(
          "Data conversion error converting \"" + typeName() + " to " + target + "\"", "22018");
    }

    String string() {
      switch (kind) {
        case BINARY:
        case VARBINARY:
        case BLOB:
          return new String((byte[]) v, StandardCharsets.UTF_8);
        case JSON:
          return text != null ? text : new String((byte[]) v, StandardCharsets.UTF_8);
        default:
          return text != null ? text : JdbcConversions.defaultText(v);
      }
    }

    long longValue() {
      return ((Number) v).longValue();
    }

    double doubleValue() {
      return ((Number) v).doubleValue();
    }

    byte[] bytes() {
      return (byte[]) v;
    }

    boolean booleanValue() throws SQLException {
      if (kind == Kind.BOOLEAN) {
        return (Boolean) v;
      }
      if (kind.isString()) {
        String s = string().trim();
        if (s.equalsIgnoreCase("true")
            || s.equalsIgnoreCase("t")
            || s.equalsIgnoreCase("yes")
            || s.equalsIgnoreCase("y")) {
          return true;
        }
        if (s.equalsIgnoreCase("false")
            || s.equalsIgnoreCase("f")
            || s.equalsIgnoreCase("no")
            || s.equalsIgnoreCase("n")) {
          return false;
        }
        try {
          return new BigDecimal(s).signum() != 0;
        } catch (NumberFormatException e) {
          throw conversion("BOOLEAN");
        }
      }
      if (kind.isIntegral()) {
        return longValue() != 0;
      }
      if (kind == Kind.NUMERIC) {
        return ((BigDecimal) v).signum() != 0;
      }
      if (kind == Kind.REAL || kind == Kind.DOUBLE) {
        double d = doubleValue();
        return d != 0 && !Double.isNaN(d);
      }
      throw conversion("BOOLEAN");
    }

    /** The value as an integer of a type ({@code TINYINT} to {@code BIGINT}), as H2 converts. */
    long integral(Kind target, long min, long max) throws SQLException {
      long result;
      if (kind == target) {
        return longValue();
      } else if (kind.isString()) {
        String s = string().trim();
        try {
          switch (target) {
            case TINYINT:
              return Byte.parseByte(s);
            case SMALLINT:
              return Short.parseShort(s);
            case INTEGER:
              return Integer.parseInt(s);
            default:
              return Long.parseLong(s);
          }
        } catch (NumberFormatException e) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
      } else if (kind == Kind.BOOLEAN) {
        return (Boolean) v ? 1 : 0;
      } else if (kind.isIntegral()) {
        result = longValue();
      } else if (kind == Kind.NUMERIC) {
        BigDecimal d = (BigDecimal) v;
        if (d.compareTo(LONG_MAX) > 0 || d.compareTo(LONG_MIN) < 0) {
          throw outOfRange(d.toString());
        }
        result = d.setScale(0, RoundingMode.HALF_UP).longValue();
      } else if (kind == Kind.REAL || kind == Kind.DOUBLE) {
        double d = doubleValue();
        if (d > Long.MAX_VALUE || d < Long.MIN_VALUE) {
          throw outOfRange(Double.toString(d));
        }
        result = Math.round(d);
      } else if (kind == Kind.BINARY || kind == Kind.VARBINARY) {
        byte[] b = bytes();
        int width =
            target == Kind.TINYINT
                ? 1
                : target == Kind.SMALLINT ? 2 : target == Kind.INTEGER ? 4 : 8;
        if (b.length != width) {
          throw conversion(target.name());
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        return width == 1
            ? b[0]
            : width == 2 ? buffer.getShort() : width == 4 ? buffer.getInt() : buffer.getLong();
      } else {
        throw conversion(target.name());
      }
      if (result < min || result > max) {
        throw outOfRange(Long.toString(result));
      }
      return result;
    }

    double floating(String target) throws SQLException {
      if (kind.isNumber()) {
        return doubleValue();
      }
      if (kind == Kind.BOOLEAN) {
        return (Boolean) v ? 1 : 0;
      }
      if (kind.isString()) {
        try {
          return Double.parseDouble(string().trim());
        } catch (NumberFormatException e) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
      }
      throw conversion(target);
    }

    float floatValue() throws SQLException {
      if (kind == Kind.REAL || kind.isIntegral()) {
        return ((Number) v).floatValue();
      }
      if (kind == Kind.NUMERIC) {
        return ((BigDecimal) v).floatValue();
      }
      if (kind.isString()) {
        try {
          return Float.parseFloat(string().trim());
        } catch (NumberFormatException e) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
      }
      return (float) floating("REAL");
    }

    /** H2 reads a character string as an integer literal here, not as a decimal to truncate. */
    BigInteger bigInteger() throws SQLException {
      if (kind.isString()) {
        try {
          return new BigInteger(string().trim());
        } catch (NumberFormatException e) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
      }
      return decimal().toBigInteger();
    }

    BigDecimal decimal() throws SQLException {
      if (kind.isIntegral()) {
        return BigDecimal.valueOf(longValue());
      }
      if (kind == Kind.NUMERIC) {
        return (BigDecimal) v;
      }
      if (kind == Kind.REAL || kind == Kind.DOUBLE) {
        double d = doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
        return new BigDecimal(v.toString());
      }
      if (kind == Kind.BOOLEAN) {
        return (Boolean) v ? BigDecimal.ONE : BigDecimal.ZERO;
      }
      if (kind.isString()) {
        try {
          return new BigDecimal(string().trim());
        } catch (NumberFormatException e) {
          throw new SQLException("Data conversion error converting \"" + string() + "\"", "22018");
        }
      }
      throw conversion("NUMERIC");
    }

    byte[] binary() throws SQLException {
      switch (kind) {
        case TINYINT:
          return new byte[] {(byte) longValue()};
        case SMALLINT:
          return ByteBuffer.allocate(2).putShort((short) longValue()).array();
        case INTEGER:
          return ByteBuffer.allocate(4).putInt((int) longValue()).array();
        case BIGINT:
          return ByteBuffer.allocate(8).putLong(longValue()).array();
        case BINARY:
        case VARBINARY:
        case BLOB:
        case JSON:
          return bytes().clone();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
        case CLOB:
          return string().getBytes(StandardCharsets.UTF_8);
        case UUID:
          UUID u = (UUID) v;
          return ByteBuffer.allocate(16)
              .putLong(u.getMostSignificantBits())
              .putLong(u.getLeastSignificantBits())
              .array();
        default:
          throw conversion("BINARY VARYING");
      }
    }

    UUID uuid() throws SQLException {
      switch (kind) {
        case UUID:
          return (UUID) v;
        case BINARY:
        case VARBINARY:
          byte[] b = bytes();
          if (b.length != 16) {
            throw new SQLException(
                "Data conversion error converting \"UUID requires 16 bytes, got " + b.length + "\"",
                "22018");
          }
          ByteBuffer buffer = ByteBuffer.wrap(b);
          return new UUID(buffer.getLong(), buffer.getLong());
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return uuidText(string());
        default:
          throw conversion("UUID");
      }
    }

    // ------------------------------------------------------------ dates and times

    LocalDate localDate(ZoneId session) throws SQLException {
      switch (kind) {
        case DATE:
          return (LocalDate) v;
        case TIMESTAMP:
          return ((LocalDateTime) v).toLocalDate();
        case TIMESTAMP_TZ:
          return ((OffsetDateTime) v).atZoneSameInstant(session).toLocalDate();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return H2Temporals.parseDate(string().trim());
        default:
          throw conversion("DATE");
      }
    }

    LocalTime localTime(ZoneId session) throws SQLException {
      switch (kind) {
        case TIME:
          return (LocalTime) v;
        case TIME_TZ:
          return localTimeOf((OffsetTime) v, session);
        case TIMESTAMP:
          return ((LocalDateTime) v).toLocalTime();
        case TIMESTAMP_TZ:
          return ((OffsetDateTime) v).atZoneSameInstant(session).toLocalTime();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return H2Temporals.parseTime(string().trim(), session);
        default:
          throw conversion("TIME");
      }
    }

    LocalDateTime localDateTime(ZoneId session) throws SQLException {
      switch (kind) {
        case TIMESTAMP:
          return (LocalDateTime) v;
        case TIME:
          return today(session).atTime((LocalTime) v);
        case TIME_TZ:
          return today(session).atTime(localTimeOf((OffsetTime) v, session));
        case DATE:
          return ((LocalDate) v).atStartOfDay();
        case TIMESTAMP_TZ:
          return ((OffsetDateTime) v).atZoneSameInstant(session).toLocalDateTime();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return H2Temporals.parseTimestamp(string().trim(), session);
        default:
          throw conversion("TIMESTAMP");
      }
    }

    OffsetTime offsetTime(ZoneId session) throws SQLException {
      switch (kind) {
        case TIME_TZ:
          return (OffsetTime) v;
        case TIME:
          return ((LocalTime) v).atOffset(currentOffset(session));
        case TIMESTAMP:
          LocalDateTime t = (LocalDateTime) v;
          return t.toLocalTime().atOffset(ZonedDateTime.of(t, session).getOffset());
        case TIMESTAMP_TZ:
          return ((OffsetDateTime) v).toOffsetTime();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return H2Temporals.parseTimeWithZone(string().trim(), session);
        default:
          throw conversion("TIME WITH TIME ZONE");
      }
    }

    OffsetDateTime offsetDateTime(ZoneId session) throws SQLException {
      switch (kind) {
        case TIMESTAMP_TZ:
          return (OffsetDateTime) v;
        case TIME:
          return ZonedDateTime.of(today(session).atTime((LocalTime) v), session).toOffsetDateTime();
        case TIME_TZ:
          OffsetTime t = (OffsetTime) v;
          return today(session).atTime(t.toLocalTime()).atOffset(t.getOffset());
        case DATE:
          return ZonedDateTime.of(((LocalDate) v).atStartOfDay(), session).toOffsetDateTime();
        case TIMESTAMP:
          return ZonedDateTime.of((LocalDateTime) v, session).toOffsetDateTime();
        case CHAR:
        case VARCHAR:
        case VARCHAR_IGNORECASE:
          return H2Temporals.parseTimestampWithZone(string().trim(), session);
        default:
          throw conversion("TIMESTAMP WITH TIME ZONE");
      }
    }
  }

  private static SQLException outOfRange(String value) {
    return new SQLException("Numeric value out of range: \"" + value + "\"", "22003");
  }

  private static SQLException unsupported(String what) {
    return new SQLFeatureNotSupportedException("Feature not supported: \"" + what + "\"", "HYC00");
  }

  private static UUID uuidText(String s) throws SQLException {
    long low = 0;
    long high = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      int d;
      if (ch >= '0' && ch <= '9') {
        d = ch - '0';
      } else if (ch >= 'a' && ch <= 'f') {
        d = ch - 'a' + 10;
      } else if (ch >= 'A' && ch <= 'F') {
        d = ch - 'A' + 10;
      } else if (ch == '-' || ch <= ' ') {
        continue;
      } else {
        throw new SQLException("Data conversion error converting \"" + s + "\"", "22018");
      }
      low = (low << 4) | d;
      if (++digits == 16) {
        high = low;
        low = 0;
      }
    }
    if (digits != 32) {
      throw new SQLException("Data conversion error converting \"" + s + "\"", "22018");
    }
    return new UUID(high, low);
  }

  // The session's clock: the driver takes the date of the statement's start in the session zone.
  private static ZoneId session() {
    return ZoneId.systemDefault();
  }

  private static LocalDate today(ZoneId session) {
    return LocalDate.now(session);
  }

  private static ZoneOffset currentOffset(ZoneId session) {
    return session.getRules().getOffset(Instant.now());
  }

  private static LocalTime localTimeOf(OffsetTime t, ZoneId session) {
    long nanos =
        t.toLocalTime().toNanoOfDay()
            + (currentOffset(session).getTotalSeconds() - t.getOffset().getTotalSeconds())
                * NANOS_PER_SECOND;
    return LocalTime.ofNanoOfDay(Math.floorMod(nanos, NANOS_PER_DAY));
  }

  private static ZoneId zone(@Nullable Calendar cal) {
    return cal == null ? session() : cal.getTimeZone().toZoneId();
  }

  private static long millis(LocalDateTime t, ZoneId zone) {
    return ZonedDateTime.of(t, zone).toEpochSecond() * 1000 + t.getNano() / 1_000_000;
  }

  // ---------------------------------------------------------------- getters

  @Override
  @Nullable String getString(@Nullable Object cell, ColumnInfo c) {
    Value v = Value.of(cell, c);
    return v == null ? null : v.string();
  }

  @Override
  boolean getBoolean(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v != null && v.booleanValue();
  }

  @Override
  byte getByte(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : (byte) v.integral(Kind.TINYINT, Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  @Override
  short getShort(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : (short) v.integral(Kind.SMALLINT, Short.MIN_VALUE, Short.MAX_VALUE);
  }

  @Override
  int getInt(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : (int) v.integral(Kind.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  @Override
  long getLong(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : v.integral(Kind.BIGINT, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Override
  float getFloat(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : v.floatValue();
  }

  @Override
  double getDouble(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? 0 : v.floating("DOUBLE PRECISION");
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : v.decimal();
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c, int scale)
      throws SQLException {
    if (scale < 0) {
      throw new SQLException("Invalid value \"" + scale + "\" for parameter \"scale\"", "90008");
    }
    BigDecimal d = getBigDecimal(cell, c);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  byte @Nullable [] getBytes(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : v.binary();
  }

  @Override
  @Nullable InputStream getAsciiStream(@Nullable Object cell, ColumnInfo c) {
    String s = getString(cell, c);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  @Nullable InputStream getUnicodeStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw unsupported("unicodeStream");
  }

  @Override
  @Nullable Reader getCharacterStream(@Nullable Object cell, ColumnInfo c) {
    String s = getString(cell, c);
    return s == null ? null : new StringReader(s);
  }

  @Override
  @Nullable Date getDate(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : date(v, zone(cal));
  }

  private static Date date(Value v, ZoneId zone) throws SQLException {
    return new Date(millis(v.localDate(session()).atStartOfDay(), zone));
  }

  @Override
  @Nullable Time getTime(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : time(v, zone(cal));
  }

  private static Time time(Value v, ZoneId zone) throws SQLException {
    return new Time(millis(LocalDate.of(1970, 1, 1).atTime(v.localTime(session())), zone));
  }

  @Override
  @Nullable Timestamp getTimestamp(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : timestamp(v, zone(cal));
  }

  private static Timestamp timestamp(Value v, ZoneId zone) throws SQLException {
    Timestamp t;
    if (v.kind() == Kind.TIMESTAMP_TZ) {
      OffsetDateTime o = (OffsetDateTime) v.v();
      t = new Timestamp(o.toEpochSecond() * 1000 + o.getNano() / 1_000_000);
      t.setNanos(o.getNano());
      return t;
    }
    LocalDateTime local = v.localDateTime(session());
    t = new Timestamp(millis(local, zone));
    t.setNanos(local.getNano());
    return t;
  }

  @Override
  @Nullable Object getObject(@Nullable Object cell, ColumnInfo c, Session session)
      throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : defaultObject(v);
  }

  private static Object defaultObject(Value v) throws SQLException {
    switch (v.kind()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
        return (int) v.longValue();
      case BIGINT:
        return v.longValue();
      case CLOB:
        return new JdbcConversions.TextNClob(v.string());
      case BINARY:
      case VARBINARY:
      case JSON:
        return v.bytes().clone();
      case BLOB:
        return new JdbcConversions.BytesBlob(v.bytes());
      case DATE:
        return date(v, session());
      case TIME:
        return time(v, session());
      case TIMESTAMP:
        return timestamp(v, session());
      case ARRAY:
        return new H2Array((ArrayValue) v.v());
      default:
        return v.v();
    }
  }

  @Override
  @Nullable Object getObject(
      @Nullable Object cell, ColumnInfo c, @Nullable Map<String, Class<?>> map, Session session)
      throws SQLException {
    throw unsupported("map");
  }

  @Override
  @SuppressWarnings("unchecked")
  <T> @Nullable T getObject(@Nullable Object cell, ColumnInfo c, Class<T> type, Session session)
      throws SQLException {
    if (type == null) {
      throw new SQLException("Invalid value \"null\" for parameter \"type\"", "90008");
    }
    Value v = Value.of(cell, c);
    return v == null ? null : (T) object(v, type);
  }

  private static Object object(Value v, Class<?> type) throws SQLException {
    ZoneId session = session();
    if (type == BigDecimal.class) {
      return v.decimal();
    } else if (type == BigInteger.class) {
      return v.bigInteger();
    } else if (type == String.class) {
      return v.string();
    } else if (type == Boolean.class) {
      return v.booleanValue();
    } else if (type == Byte.class) {
      return (byte) v.integral(Kind.TINYINT, Byte.MIN_VALUE, Byte.MAX_VALUE);
    } else if (type == Short.class) {
      return (short) v.integral(Kind.SMALLINT, Short.MIN_VALUE, Short.MAX_VALUE);
    } else if (type == Integer.class) {
      return (int) v.integral(Kind.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE);
    } else if (type == Long.class) {
      return v.integral(Kind.BIGINT, Long.MIN_VALUE, Long.MAX_VALUE);
    } else if (type == Float.class) {
      return v.floatValue();
    } else if (type == Double.class) {
      return v.floating("DOUBLE PRECISION");
    } else if (type == UUID.class) {
      return v.uuid();
    } else if (type == byte[].class) {
      return v.binary();
    } else if (JAVA_TIME.contains(type)) {
      return javaTime(v, type, session);
    } else if (type == Object.class) {
      return javaObject(v);
    } else if (type == Array.class) {
      return array(v);
    } else if (type == Blob.class) {
      return new JdbcConversions.BytesBlob(v.binary());
    } else if (type == Clob.class) {
      return new JdbcConversions.TextNClob(v.string());
    } else if (type == SQLXML.class) {
      return new TextSqlXml(v.string());
    } else if (type == Date.class) {
      return date(v, session);
    } else if (type == Time.class) {
      return time(v, session);
    } else if (type == Timestamp.class) {
      return timestamp(v, session);
    }
    throw unsupported("converting to class " + type.getName());
  }

  private static Object javaTime(Value v, Class<?> type, ZoneId session) throws SQLException {
    if (type == LocalDate.class) {
      return v.localDate(session);
    } else if (type == LocalTime.class) {
      return v.localTime(session);
    } else if (type == LocalDateTime.class) {
      return v.localDateTime(session);
    } else if (type == OffsetTime.class) {
      return v.offsetTime(session);
    } else if (type == OffsetDateTime.class) {
      return v.offsetDateTime(session);
    } else if (type == ZonedDateTime.class) {
      return v.offsetDateTime(session).toZonedDateTime();
    }
    return v.offsetDateTime(session).toInstant();
  }

  // The driver deserializes a binary value; a cached result never deserializes what a cache
  // holds, so it only reproduces the driver's failure on bytes that are no serialized object.
  private static Object javaObject(Value v) throws SQLException {
    if (!v.kind().isBinary()) {
      throw v.conversion("JAVA_OBJECT");
    }
    byte[] b = v.bytes();
    if (b.length >= 2 && (b[0] & 0xff) == 0xac && (b[1] & 0xff) == 0xed) {
      throw new SQLFeatureNotSupportedException(
          "a cached result does not deserialize Java objects", "0A000");
    }
    throw new SQLException("Deserialization failed", "90027");
  }

  @Override
  @Nullable Array getArray(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Value v = Value.of(cell, c);
    return v == null ? null : array(v);
  }

  // A value that is not an array is an array of one element, of the value's type.
  private static Array array(Value v) {
    if (v.kind() == Kind.ARRAY) {
      return new H2Array((ArrayValue) v.v());
    }
    return new H2Array(new ArrayValue(v.typeName(), sqlType(v.kind()), new Object[] {v.v()}));
  }

  private static int sqlType(Kind k) {
    switch (k) {
      case TINYINT:
        return Types.TINYINT;
      case SMALLINT:
        return Types.SMALLINT;
      case INTEGER:
        return Types.INTEGER;
      case BIGINT:
        return Types.BIGINT;
      case NUMERIC:
        return Types.NUMERIC;
      case REAL:
        return Types.REAL;
      case DOUBLE:
        return Types.DOUBLE;
      case CHAR:
        return Types.CHAR;
      case VARCHAR:
      case VARCHAR_IGNORECASE:
        return Types.VARCHAR;
      case CLOB:
        return Types.CLOB;
      case BOOLEAN:
        return Types.BOOLEAN;
      case BINARY:
      case UUID:
        return Types.BINARY;
      case VARBINARY:
        return Types.VARBINARY;
      case BLOB:
        return Types.BLOB;
      case DATE:
        return Types.DATE;
      case TIME:
        return Types.TIME;
      case TIME_TZ:
        return Types.TIME_WITH_TIMEZONE;
      case TIMESTAMP:
        return Types.TIMESTAMP;
      case TIMESTAMP_TZ:
        return Types.TIMESTAMP_WITH_TIMEZONE;
      case ARRAY:
        return Types.ARRAY;
      default:
        return Types.OTHER;
    }
  }

  @Override
  @Nullable Blob getBlob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    byte[] b = getBytes(cell, c);
    return b == null ? null : new JdbcConversions.BytesBlob(b);
  }

  @Override
  @Nullable Clob getClob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    return getNClob(cell, c);
  }

  @Override
  @Nullable NClob getNClob(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new JdbcConversions.TextNClob(s);
  }

  @Override
  @Nullable SQLXML getSQLXML(@Nullable Object cell, ColumnInfo c) {
    String s = getString(cell, c);
    return s == null ? null : new TextSqlXml(s);
  }

  @Override
  @Nullable URL getURL(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw unsupported("url");
  }

  @Override
  @Nullable Ref getRef(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw unsupported("ref");
  }

  @Override
  @Nullable RowId getRowId(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw unsupported("rowId");
  }

  /** An H2 array: its elements as {@code getObject} returns them, in an {@code Object[]}. */
  private static final class H2Array extends DetachedArray {
    private final ArrayValue value;

    H2Array(ArrayValue value) {
      this.value = value;
    }

    @Override
    public String getBaseTypeName() {
      return value.baseTypeName();
    }

    @Override
    public int getBaseType() {
      return value.baseType();
    }

    @Override
    public Object getArray() throws SQLException {
      return getArray(1, value.elements().length);
    }

    @Override
    public Object getArray(@Nullable Map<String, Class<?>> map) throws SQLException {
      requireNoMap(map);
      return getArray();
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
      Object[] source = value.elements();
      if (index < 1 || count < 0 || index - 1 + count > source.length) {
        throw new SQLException("Invalid value \"" + index + "\" for parameter \"index\"", "90008");
      }
      Object[] out = new Object[count];
      for (int i = 0; i < count; i++) {
        Object e = source[(int) index - 1 + i];
        out[i] =
            e == null
                ? null
                : defaultObject(Value.element(e, value.baseTypeName(), value.baseType()));
      }
      return out;
    }

    @Override
    public Object getArray(long index, int count, @Nullable Map<String, Class<?>> map)
        throws SQLException {
      requireNoMap(map);
      return getArray(index, count);
    }

    private static void requireNoMap(@Nullable Map<String, Class<?>> map) throws SQLException {
      if (map != null && !map.isEmpty()) {
        throw unsupported("map");
      }
    }
  }
}
