package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import dev.layercache.sql.internal.CellValues.ArrayValue;
import dev.layercache.sql.internal.CellValues.Texted;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC conversion table over canonical cells: what each {@code ResultSet} getter returns for
 * each stored value, following what the PostgreSQL, MariaDB and H2 drivers do for the common cases.
 */
final class JdbcConversions {
  private static final LocalDate EPOCH_DAY = LocalDate.of(1970, 1, 1);

  private JdbcConversions() {}

  /** Our rendering of a value as text; the driver's own text is kept where it differs. */
  static String defaultText(Object v) {
    if (v instanceof LocalDateTime) {
      return Timestamp.valueOf((LocalDateTime) v).toString();
    }
    if (v instanceof byte[]) {
      return HexFormat.of().formatHex((byte[]) v);
    }
    if (v instanceof ArrayValue) {
      return "";
    }
    return v.toString();
  }

  static @Nullable String toText(@Nullable Object cell) {
    if (cell == null) {
      return null;
    }
    if (cell instanceof Texted) {
      return ((Texted) cell).text();
    }
    return cell instanceof String ? (String) cell : defaultText(cell);
  }

  static boolean toBoolean(Object v) throws SQLException {
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    if (v instanceof BigDecimal) {
      return ((BigDecimal) v).signum() != 0;
    }
    if (v instanceof Number) {
      return ((Number) v).doubleValue() != 0;
    }
    if (v instanceof String) {
      String s = ((String) v).trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "1":
        case "true":
        case "t":
        case "y":
        case "yes":
        case "on":
          return true;
        case "0":
        case "false":
        case "f":
        case "n":
        case "no":
        case "off":
          return false;
        default:
          break;
      }
    }
    throw cannot(v, "boolean");
  }

  static long toLong(Object v, long min, long max, String target, RoundingMode rounding)
      throws SQLException {
    long result;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      result = ((Number) v).longValue();
    } else if (v instanceof Boolean) {
      result = (Boolean) v ? 1 : 0;
    } else if (v instanceof String) {
      String s = ((String) v).trim();
      try {
        result = Long.parseLong(s);
      } catch (NumberFormatException e) {
        try {
          result = integral(new BigDecimal(s), target, rounding);
        } catch (NumberFormatException e2) {
          throw cannot(v, target);
        }
      }
    } else if (v instanceof BigDecimal) {
      result = integral((BigDecimal) v, target, rounding);
    } else if (v instanceof BigInteger) {
      result = integral(new BigDecimal((BigInteger) v), target, rounding);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || d < min || d > max) {
        throw outOfRange(v, target);
      }
      result = integral(new BigDecimal(d), target, rounding);
    } else {
      throw cannot(v, target);
    }
    if (result < min || result > max) {
      throw outOfRange(v, target);
    }
    return result;
  }

  private static long integral(BigDecimal d, String target, RoundingMode rounding)
      throws SQLException {
    try {
      return d.setScale(0, rounding).longValueExact();
    } catch (ArithmeticException e) {
      throw outOfRange(d, target);
    }
  }

  static double toDouble(Object v) throws SQLException {
    if (v instanceof Number) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? 1 : 0;
    }
    if (v instanceof String) {
      try {
        return Double.parseDouble(((String) v).trim());
      } catch (NumberFormatException e) {
        throw cannot(v, "double");
      }
    }
    throw cannot(v, "double");
  }

  static BigDecimal toBigDecimal(Object v) throws SQLException {
    if (v instanceof BigDecimal) {
      return (BigDecimal) v;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger) {
      return new BigDecimal((BigInteger) v);
    }
    if (v instanceof Double || v instanceof Float) {
      return new BigDecimal(v.toString());
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v instanceof String) {
      try {
        return new BigDecimal(((String) v).trim());
      } catch (NumberFormatException e) {
        throw cannot(v, "BigDecimal");
      }
    }
    throw cannot(v, "BigDecimal");
  }

  static byte[] toBytes(Object v) throws SQLException {
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    if (v instanceof String) {
      return ((String) v).getBytes(StandardCharsets.UTF_8);
    }
    if (v instanceof UUID) {
      UUID u = (UUID) v;
      return java.nio.ByteBuffer.allocate(16)
          .putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits())
          .array();
    }
    throw cannot(v, "byte[]");
  }

  static Date toDate(Object v, @Nullable Calendar cal) throws SQLException {
    LocalDate d;
    if (v instanceof LocalDate) {
      d = (LocalDate) v;
    } else if (v instanceof LocalDateTime) {
      d = ((LocalDateTime) v).toLocalDate();
    } else if (v instanceof OffsetDateTime) {
      d = ((OffsetDateTime) v).atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
    } else if (v instanceof String) {
      try {
        d = LocalDate.parse(((String) v).trim().substring(0, 10));
      } catch (RuntimeException e) {
        throw cannot(v, "Date");
      }
    } else {
      throw cannot(v, "Date");
    }
    if (cal == null) {
      return Date.valueOf(d);
    }
    return new Date(d.atStartOfDay(zone(cal)).toInstant().toEpochMilli());
  }

  static Time toTime(Object v, @Nullable Calendar cal) throws SQLException {
    LocalTime t;
    if (v instanceof LocalTime) {
      t = (LocalTime) v;
    } else if (v instanceof LocalDateTime) {
      t = ((LocalDateTime) v).toLocalTime();
    } else if (v instanceof LocalDate) {
      t = LocalTime.MIDNIGHT;
    } else if (v instanceof OffsetTime) {
      return new Time(((OffsetTime) v).atDate(EPOCH_DAY).toInstant().toEpochMilli());
    } else if (v instanceof OffsetDateTime) {
      t = ((OffsetDateTime) v).atZoneSameInstant(ZoneId.systemDefault()).toLocalTime();
    } else if (v instanceof String) {
      try {
        t = LocalTime.parse(((String) v).trim());
      } catch (RuntimeException e) {
        throw cannot(v, "Time");
      }
    } else {
      throw cannot(v, "Time");
    }
    ZoneId zone = cal == null ? ZoneId.systemDefault() : zone(cal);
    return new Time(t.atDate(EPOCH_DAY).atZone(zone).toInstant().toEpochMilli());
  }

  static Timestamp toTimestamp(Object v, @Nullable Calendar cal) throws SQLException {
    if (v instanceof OffsetDateTime) {
      return Timestamp.from(((OffsetDateTime) v).toInstant());
    }
    LocalDateTime t;
    if (v instanceof LocalDateTime) {
      t = (LocalDateTime) v;
    } else if (v instanceof LocalDate) {
      t = ((LocalDate) v).atStartOfDay();
    } else if (v instanceof LocalTime) {
      t = ((LocalTime) v).atDate(EPOCH_DAY);
    } else if (v instanceof String) {
      try {
        return Timestamp.valueOf(((String) v).trim());
      } catch (RuntimeException e) {
        throw cannot(v, "Timestamp");
      }
    } else {
      throw cannot(v, "Timestamp");
    }
    if (cal == null) {
      return Timestamp.valueOf(t);
    }
    return Timestamp.from(t.atZone(zone(cal)).toInstant());
  }

  /** What {@code getObject(i)} returns: the driver's class for the column. */
  static @Nullable Object toObject(@Nullable Object cell, ColumnInfo column) throws SQLException {
    Object v = CellValues.value(cell);
    if (v == null) {
      return null;
    }
    switch (column.className()) {
      case "java.sql.Timestamp":
        if (v instanceof LocalDateTime || v instanceof OffsetDateTime) {
          return toTimestamp(v, null);
        }
        break;
      case "java.sql.Date":
        if (v instanceof LocalDate) {
          return Date.valueOf((LocalDate) v);
        }
        break;
      case "java.sql.Time":
        if (v instanceof LocalTime || v instanceof OffsetTime) {
          return toTime(v, null);
        }
        break;
      case "java.sql.Clob":
        if (v instanceof String) {
          return new SerialClob(((String) v).toCharArray());
        }
        break;
      case "java.sql.Blob":
        if (v instanceof byte[]) {
          return new SerialBlob((byte[]) v);
        }
        break;
      default:
        break;
    }
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    if (v instanceof ArrayValue) {
      return new CachedArray((ArrayValue) v);
    }
    return v;
  }

  /** What {@code getObject(i, type)} returns. */
  @SuppressWarnings("unchecked")
  static <T> T toType(Object cell, ColumnInfo column, Class<T> type, RoundingMode rounding)
      throws SQLException {
    Object v = CellValues.value(cell);
    Object r = convert(cell, v, column, type, rounding);
    return (T) r;
  }

  private static Object convert(
      Object cell, Object v, ColumnInfo column, Class<?> type, RoundingMode rounding)
      throws SQLException {
    if (type == String.class) {
      return toText(cell);
    }
    if (type == Integer.class) {
      return (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", rounding);
    }
    if (type == Long.class) {
      return toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long", rounding);
    }
    if (type == Short.class) {
      return (short) toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "short", rounding);
    }
    if (type == Byte.class) {
      return (byte) toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte", rounding);
    }
    if (type == Boolean.class) {
      return toBoolean(v);
    }
    if (type == Double.class) {
      return toDouble(v);
    }
    if (type == Float.class) {
      return (float) toDouble(v);
    }
    if (type == BigDecimal.class) {
      return toBigDecimal(v);
    }
    if (type == BigInteger.class) {
      return v instanceof BigInteger ? v : toBigDecimal(v).toBigInteger();
    }
    if (type == byte[].class) {
      return toBytes(v);
    }
    if (type == UUID.class) {
      if (v instanceof UUID) {
        return v;
      }
      if (v instanceof String) {
        try {
          return UUID.fromString(((String) v).trim());
        } catch (IllegalArgumentException e) {
          throw cannot(v, "UUID");
        }
      }
      throw cannot(v, "UUID");
    }
    if (type == LocalDate.class) {
      if (v instanceof LocalDate) {
        return v;
      }
      if (v instanceof LocalDateTime) {
        return ((LocalDateTime) v).toLocalDate();
      }
      return toDate(v, null).toLocalDate();
    }
    if (type == LocalTime.class) {
      if (v instanceof LocalTime) {
        return v;
      }
      if (v instanceof LocalDateTime) {
        return ((LocalDateTime) v).toLocalTime();
      }
      if (v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).atZoneSameInstant(ZoneId.systemDefault()).toLocalTime();
      }
      if (v instanceof String) {
        return toTime(v, null).toLocalTime();
      }
      throw cannot(v, "LocalTime");
    }
    if (type == LocalDateTime.class) {
      if (v instanceof LocalDateTime) {
        return v;
      }
      if (v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
      }
      return toTimestamp(v, null).toLocalDateTime();
    }
    if (type == OffsetDateTime.class) {
      if (v instanceof OffsetDateTime) {
        return v;
      }
      if (v instanceof LocalDateTime) {
        return ((LocalDateTime) v).atZone(ZoneId.systemDefault()).toOffsetDateTime();
      }
      if (v instanceof LocalDate) {
        return ((LocalDate) v).atStartOfDay(ZoneId.systemDefault()).toOffsetDateTime();
      }
      if (v instanceof String) {
        try {
          return OffsetDateTime.parse(((String) v).trim());
        } catch (RuntimeException e) {
          throw cannot(v, "OffsetDateTime");
        }
      }
      throw cannot(v, "OffsetDateTime");
    }
    if (type == OffsetTime.class) {
      if (v instanceof OffsetTime) {
        return v;
      }
      if (v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).toOffsetTime();
      }
      throw cannot(v, "OffsetTime");
    }
    if (type == ZonedDateTime.class) {
      if (v instanceof OffsetDateTime) {
        return ((OffsetDateTime) v).toZonedDateTime();
      }
      if (v instanceof LocalDateTime) {
        return ((LocalDateTime) v).atZone(ZoneId.systemDefault());
      }
      throw cannot(v, "ZonedDateTime");
    }
    if (type == Instant.class) {
      return toTimestamp(v, null).toInstant();
    }
    if (type == Timestamp.class) {
      return toTimestamp(v, null);
    }
    if (type == Date.class) {
      return toDate(v, null);
    }
    if (type == Time.class) {
      return toTime(v, null);
    }
    if (type == java.sql.Array.class && v instanceof ArrayValue) {
      return new CachedArray((ArrayValue) v);
    }
    if (type == java.sql.Clob.class) {
      return new SerialClob(String.valueOf(toText(cell)).toCharArray());
    }
    if (type == java.sql.NClob.class) {
      return new TextNClob(String.valueOf(toText(cell)));
    }
    if (type == java.sql.Blob.class) {
      return new SerialBlob(toBytes(v));
    }
    Object o = toObject(cell, column);
    if (type.isInstance(o)) {
      return o;
    }
    throw cannot(v, type.getName());
  }

  private static ZoneId zone(Calendar cal) {
    return cal.getTimeZone().toZoneId();
  }

  static SQLException cannot(Object v, String target) {
    return new SQLDataException(
        "cannot convert a " + v.getClass().getSimpleName() + " value to " + target, "22018");
  }

  private static SQLException outOfRange(Object v, String target) {
    return new SQLDataException("value " + v + " is out of range for " + target, "22003");
  }

  /** A character large object that is also an {@link java.sql.NClob}. */
  static final class TextNClob extends SerialClob implements java.sql.NClob {
    private static final long serialVersionUID = 1L;

    TextNClob(String text) throws SQLException {
      super(text.toCharArray());
    }

    @Override
    public String getSubString(long pos, int length)
        throws javax.sql.rowset.serial.SerialException {
      // An empty value's only substring: SerialClob refuses position 1 of nothing.
      return pos == 1 && length == 0 ? "" : super.getSubString(pos, length);
    }
  }

  /** A binary large object over bytes, empty ones included. */
  static final class BytesBlob extends SerialBlob {
    private static final long serialVersionUID = 1L;

    BytesBlob(byte[] bytes) throws SQLException {
      super(bytes);
    }

    @Override
    public byte[] getBytes(long pos, int length) throws javax.sql.rowset.serial.SerialException {
      return pos == 1 && length == 0 ? new byte[0] : super.getBytes(pos, length);
    }
  }
}
