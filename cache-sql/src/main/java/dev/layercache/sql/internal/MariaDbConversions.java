package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Calendar;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The MariaDB Connector/J driver's getters (its text protocol, its default settings), reproduced
 * over each cell's bytes as the server sent them: like the driver, a getter decodes those bytes by
 * the column's decoder and data type, zero dates and all.
 *
 * <p>Cells are the driver's text for character and number columns (the bytes are its UTF-8) and the
 * bytes themselves for binary, BIT and geometry columns.
 */
final class MariaDbConversions extends DriverConversions {
  /** The driver's column decoders. */
  private enum Decoder {
    TINY,
    UNSIGNED_TINY,
    SMALL,
    UNSIGNED_SMALL,
    MEDIUM,
    UNSIGNED_MEDIUM,
    INT,
    UNSIGNED_INT,
    BIGINT,
    UNSIGNED_BIGINT,
    DECIMAL,
    FLOAT,
    DOUBLE,
    BIT,
    STRING,
    BLOB,
    GEOMETRY,
    DATE,
    TIME,
    TIMESTAMP,
    YEAR,
    UUID
  }

  /** The protocol's data types, as the driver's codecs test them. */
  private enum DataType {
    TINYINT,
    SMALLINT,
    MEDIUMINT,
    INTEGER,
    BIGINT,
    DECIMAL,
    FLOAT,
    DOUBLE,
    BIT,
    YEAR,
    DATE,
    TIME,
    DATETIME,
    TIMESTAMP,
    STRING,
    VARSTRING,
    BLOB,
    GEOMETRY
  }

  /** A column as the driver decodes it. */
  private record Column(
      Decoder decoder, DataType type, boolean signed, boolean binary, int length, int decimals) {}

  private static final Set<DataType> INTEGERS =
      EnumSet.of(
          DataType.TINYINT,
          DataType.SMALLINT,
          DataType.MEDIUMINT,
          DataType.INTEGER,
          DataType.BIGINT,
          DataType.YEAR);
  private static final Set<DataType> TEXTS =
      EnumSet.of(DataType.STRING, DataType.VARSTRING, DataType.BLOB);
  private static final Set<DataType> TEMPORALS =
      EnumSet.of(
          DataType.DATE, DataType.TIME, DataType.DATETIME, DataType.TIMESTAMP, DataType.YEAR);

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter LOCAL_DATE_TIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral(' ')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .toFormatter();

  MariaDbConversions() {
    super(RoundingMode.DOWN, false);
  }

  // ---------------------------------------------------------------- columns and cells

  private static @Nullable Column columnOf(ColumnInfo c) {
    String t = c.typeName();
    boolean unsigned = t.endsWith(" UNSIGNED");
    String base = unsigned ? t.substring(0, t.length() - " UNSIGNED".length()) : t;
    int length = c.displaySize();
    switch (base) {
      case "BIT":
        return new Column(Decoder.BIT, DataType.BIT, false, false, length, 0);
      case "BOOLEAN":
        return new Column(Decoder.TINY, DataType.TINYINT, true, false, 1, 0);
      case "TINYINT":
        return integer(unsigned ? Decoder.UNSIGNED_TINY : Decoder.TINY, DataType.TINYINT, c);
      case "SMALLINT":
        return integer(unsigned ? Decoder.UNSIGNED_SMALL : Decoder.SMALL, DataType.SMALLINT, c);
      case "MEDIUMINT":
        return integer(unsigned ? Decoder.UNSIGNED_MEDIUM : Decoder.MEDIUM, DataType.MEDIUMINT, c);
      case "INTEGER":
        return integer(unsigned ? Decoder.UNSIGNED_INT : Decoder.INT, DataType.INTEGER, c);
      case "BIGINT":
        return integer(unsigned ? Decoder.UNSIGNED_BIGINT : Decoder.BIGINT, DataType.BIGINT, c);
      case "DECIMAL":
        return integer(Decoder.DECIMAL, DataType.DECIMAL, c);
      case "FLOAT":
        return integer(Decoder.FLOAT, DataType.FLOAT, c);
      case "DOUBLE":
        return integer(Decoder.DOUBLE, DataType.DOUBLE, c);
      case "CHAR":
        return new Column(Decoder.STRING, DataType.STRING, c.signed(), false, length, 0);
      case "BINARY":
        return new Column(Decoder.STRING, DataType.STRING, c.signed(), true, length, 0);
      case "VARCHAR":
        return new Column(Decoder.STRING, DataType.VARSTRING, c.signed(), false, length, 0);
      case "VARBINARY":
        return new Column(Decoder.STRING, DataType.VARSTRING, c.signed(), true, length, 0);
      case "TINYTEXT":
      case "TEXT":
      case "MEDIUMTEXT":
      case "LONGTEXT":
      case "JSON":
        return new Column(Decoder.BLOB, DataType.BLOB, c.signed(), false, length, 0);
      case "TINYBLOB":
      case "BLOB":
      case "MEDIUMBLOB":
      case "LONGBLOB":
        return new Column(Decoder.BLOB, DataType.BLOB, c.signed(), true, length, 0);
      case "GEOMETRY":
      case "POINT":
      case "LINESTRING":
      case "POLYGON":
      case "MULTIPOINT":
      case "MULTILINESTRING":
      case "MULTIPOLYGON":
      case "GEOMETRYCOLLECTION":
        return new Column(Decoder.GEOMETRY, DataType.GEOMETRY, true, true, length, 0);
      case "DATE":
        return new Column(Decoder.DATE, DataType.DATE, true, false, length, 0);
      case "TIME":
        return new Column(Decoder.TIME, DataType.TIME, true, false, length, c.scale());
      case "DATETIME":
        return new Column(Decoder.TIMESTAMP, DataType.DATETIME, true, false, length, c.scale());
      case "TIMESTAMP":
        return new Column(Decoder.TIMESTAMP, DataType.TIMESTAMP, true, false, length, c.scale());
      case "YEAR":
        return new Column(Decoder.YEAR, DataType.YEAR, false, false, length, 0);
      case "uuid":
        return new Column(Decoder.UUID, DataType.STRING, false, false, length, 0);
      default:
        return null;
    }
  }

  private static Column integer(Decoder d, DataType type, ColumnInfo c) {
    return new Column(d, type, c.signed(), false, c.displaySize(), 0);
  }

  private static Column column(ColumnInfo c) {
    Column col = columnOf(c);
    if (col == null) {
      throw new IllegalStateException("no reader is made for MariaDB type " + c.typeName());
    }
    return col;
  }

  @Override
  @Nullable CellReader reader(ColumnInfo c) {
    Column col = columnOf(c);
    if (col == null) {
      return null;
    }
    if (col.binary() || col.decoder() == Decoder.BIT) {
      return (rs, i) -> rs.getBytes(i);
    }
    return (rs, i) -> rs.getString(i);
  }

  private static byte[] raw(Object cell) {
    return cell instanceof byte[]
        ? (byte[]) cell
        : ((String) cell).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** The driver's integer parse: digits, an optional minus, nothing checked. */
  private static long atoll(byte[] b) {
    boolean negative = b.length > 0 && b[0] == '-';
    long v = 0;
    for (int i = negative ? 1 : 0; i < b.length; i++) {
      v = v * 10 + b[i] - '0';
    }
    return negative ? -v : v;
  }

  private static long atoull(byte[] b) {
    long v = 0;
    for (byte d : b) {
      v = v * 10 + d - '0';
    }
    return v;
  }

  private static long bits(byte[] b) {
    long v = 0;
    for (byte x : b) {
      v = (v << 8) + (x & 0xff);
    }
    return v;
  }

  // The driver's reading of a BIT value as a boolean, shifts and all.
  private static long parseBit(byte[] b) {
    if (b.length == 1) {
      return b[0] & 0xff;
    }
    long v = 0;
    for (byte x : b) {
      v += ((long) (x & 0xff)) << (8 * b.length);
    }
    return v;
  }

  private static SQLException cannot(DataType t, String target) {
    return new SQLDataException("Data type " + t + " cannot be decoded as " + target);
  }

  private static SQLException cannot(Column c, String target) {
    return cannot(c.type(), target);
  }

  private static SQLException badValue(String value, String target) {
    return new SQLDataException("value '" + value + "' cannot be decoded as " + target);
  }

  private static SQLException notSupported(String message) {
    return new SQLFeatureNotSupportedException(message, "0A000");
  }

  private static boolean isZeroTimestamp(byte[] b) {
    return b.length > 0 && timestampParts(ascii(b)) == null;
  }

  @Override
  boolean readsAsNull(@Nullable Object cell, ColumnInfo c) {
    if (cell == null) {
      return true;
    }
    Column col = column(c);
    return col.decoder() == Decoder.TIMESTAMP && isZeroTimestamp(raw(cell));
  }

  // ---------------------------------------------------------------- text decoders

  @Override
  @Nullable String getString(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : string(column(c), raw(cell));
  }

  private static String string(Column c, byte[] b) {
    switch (c.decoder()) {
      case BIT:
        if (c.length() == 1) {
          return parseBit(b) != 0 ? "true" : "false";
        }
        StringBuilder s = new StringBuilder("b'");
        boolean nonZero = false;
        for (int i = 0; i < Byte.SIZE * b.length; i++) {
          boolean bit = (b[i / Byte.SIZE] & 1 << (Byte.SIZE - 1 - (i % Byte.SIZE))) > 0;
          if (bit) {
            s.append('1');
            nonZero = true;
          } else if (nonZero) {
            s.append('0');
          }
        }
        return s.append("'").toString();
      case TIMESTAMP:
        if (b.length == 0) {
          return zeroTimestamp(c);
        }
        int[] parts = timestampParts(ascii(b));
        if (parts == null) {
          return zeroTimestamp(c);
        }
        LocalDateTime t = localDateTime(parts);
        String seconds = SECONDS.format(t);
        return c.decimals() > 0
            ? seconds
                + "."
                + String.format(Locale.US, "%0" + c.decimals() + "d", t.getNano() / 1000)
            : seconds;
      default:
        return text(b);
    }
  }

  private static String zeroTimestamp(Column c) {
    StringBuilder s = new StringBuilder("0000-00-00 00:00:00");
    if (c.decimals() > 0) {
      s.append('.').append("0".repeat(c.decimals()));
    }
    return s.toString();
  }

  @Override
  boolean getBoolean(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell != null && bool(column(c), raw(cell));
  }

  private static boolean bool(Column c, byte[] b) throws SQLException {
    switch (c.decoder()) {
      case DECIMAL:
        return new BigDecimal(ascii(b)).intValue() != 0;
      case BIT:
        return parseBit(b) != 0;
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Boolean");
        }
        return !"0".equals(ascii(b));
      case DATE:
      case TIME:
      case TIMESTAMP:
      case UUID:
        throw cannot(c, "Boolean");
      default:
        return !"0".equals(ascii(b));
    }
  }

  @Override
  byte getByte(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : toByte(column(c), raw(cell));
  }

  private static byte toByte(Column c, byte[] b) throws SQLException {
    long r;
    switch (c.decoder()) {
      case TINY:
      case SMALL:
      case MEDIUM:
      case BIGINT:
      case INT:
        r = atoll(b);
        if ((byte) r != r) {
          throw new SQLDataException("byte overflow");
        }
        return (byte) r;
      case UNSIGNED_TINY:
        r = atoull(b);
        if ((byte) r != r) {
          throw new SQLDataException("byte overflow");
        }
        return (byte) r;
      case UNSIGNED_SMALL:
      case UNSIGNED_MEDIUM:
      case UNSIGNED_BIGINT:
      case UNSIGNED_INT:
      case YEAR:
        r = atoull(b);
        if ((byte) r != r || r < 0) {
          throw new SQLDataException("byte overflow");
        }
        return (byte) r;
      case DECIMAL:
      case FLOAT:
      case DOUBLE:
        String d = text(b);
        try {
          return new BigDecimal(d).setScale(0, RoundingMode.DOWN).byteValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
          throw badValue(d, "Byte");
        }
      case BIT:
        return b[0];
      case STRING:
        if (c.binary()) {
          return b[0];
        }
        return textByte(c, b, true);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          if (b.length > 0) {
            return b[0];
          }
          throw new SQLDataException("empty String value cannot be decoded as Byte");
        }
        return textByte(c, b, false);
      default:
        throw cannot(c, "Byte");
    }
  }

  private static byte textByte(Column c, byte[] b, boolean checkSign) throws SQLException {
    String s = text(b);
    long r;
    try {
      r = new BigDecimal(s).setScale(0, RoundingMode.DOWN).longValue();
    } catch (NumberFormatException e) {
      throw badValue(s, "Byte");
    }
    if ((byte) r != r || (checkSign && r < 0 && !c.signed())) {
      throw new SQLDataException("byte overflow");
    }
    return (byte) r;
  }

  /** A decimal text's integer part, exactly, for the decimal and floating-point columns. */
  private static long exactInteger(String s, String target) throws SQLException {
    try {
      return new BigDecimal(s).setScale(0, RoundingMode.DOWN).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw badValue(s, target);
    }
  }

  @Override
  short getShort(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : toShort(column(c), raw(cell));
  }

  private static short toShort(Column c, byte[] b) throws SQLException {
    long r;
    switch (c.decoder()) {
      case TINY:
      case SMALL:
        return (short) atoll(b);
      case UNSIGNED_TINY:
        return (short) atoull(b);
      case UNSIGNED_SMALL:
      case YEAR:
        r = atoull(b);
        break;
      case MEDIUM:
      case BIGINT:
        r = atoll(b);
        break;
      case UNSIGNED_MEDIUM:
      case UNSIGNED_BIGINT:
        r = atoull(b);
        if (r < 0) {
          throw new SQLDataException("Short overflow");
        }
        break;
      case INT:
        r = atoll(b);
        break;
      case UNSIGNED_INT:
        r = atoll(b);
        if (r < 0) {
          throw new SQLDataException("Short overflow");
        }
        break;
      case DECIMAL:
      case FLOAT:
      case DOUBLE:
        r = exactInteger(text(b), "Short");
        if ((short) r != r || (r < 0 && !c.signed())) {
          throw new SQLDataException("Short overflow");
        }
        return (short) r;
      case BIT:
        r = bits(b);
        if ((short) r != r || (r < 0 && !c.signed())) {
          throw new SQLDataException("Short overflow");
        }
        return (short) r;
      case STRING:
        return textShort(b);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Short");
        }
        return textShort(b);
      default:
        throw cannot(c, "Short");
    }
    if ((short) r != r) {
      throw new SQLDataException("Short overflow");
    }
    return (short) r;
  }

  private static short textShort(byte[] b) throws SQLException {
    String s = text(b);
    try {
      return new BigDecimal(s).setScale(0, RoundingMode.DOWN).shortValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw badValue(s, "Short");
    }
  }

  @Override
  int getInt(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : toInt(column(c), raw(cell));
  }

  private static int toInt(Column c, byte[] b) throws SQLException {
    long r;
    switch (c.decoder()) {
      case TINY:
      case SMALL:
      case MEDIUM:
      case UNSIGNED_MEDIUM:
      case INT:
        return (int) atoll(b);
      case UNSIGNED_TINY:
      case UNSIGNED_SMALL:
      case YEAR:
        return (int) atoull(b);
      case UNSIGNED_INT:
      case UNSIGNED_BIGINT:
        r = atoull(b);
        if ((int) r != r || r < 0) {
          throw new SQLDataException("integer overflow");
        }
        return (int) r;
      case BIGINT:
        r = atoll(b);
        if ((int) r != r) {
          throw new SQLDataException("integer overflow");
        }
        return (int) r;
      case DECIMAL:
      case FLOAT:
      case DOUBLE:
        r = exactInteger(text(b), "Integer");
        if ((int) r != r || (r < 0 && !c.signed())) {
          throw new SQLDataException("integer overflow");
        }
        return (int) r;
      case BIT:
        r = bits(b);
        if ((int) r != r || (r < 0 && !c.signed())) {
          throw new SQLDataException("integer overflow");
        }
        return (int) r;
      case STRING:
        return textInt(b);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Integer");
        }
        return textInt(b);
      default:
        throw cannot(c, "Integer");
    }
  }

  private static int textInt(byte[] b) throws SQLException {
    String s = text(b);
    try {
      return new BigDecimal(s).setScale(0, RoundingMode.DOWN).intValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw badValue(s, "Integer");
    }
  }

  @Override
  long getLong(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : toLong(column(c), raw(cell));
  }

  private static long toLong(Column c, byte[] b) throws SQLException {
    switch (c.decoder()) {
      case TINY:
      case SMALL:
      case MEDIUM:
      case INT:
      case BIGINT:
        return atoll(b);
      case UNSIGNED_TINY:
      case UNSIGNED_SMALL:
      case UNSIGNED_MEDIUM:
      case UNSIGNED_INT:
      case YEAR:
        return atoull(b);
      case UNSIGNED_BIGINT:
        if (b.length < 10) {
          return atoull(b);
        }
        BigInteger v = new BigInteger(ascii(b));
        try {
          return v.longValueExact();
        } catch (ArithmeticException e) {
          throw badValue(v.toString(), "Long");
        }
      case DECIMAL:
      case FLOAT:
      case DOUBLE:
        return exactInteger(ascii(b), "Long");
      case BIT:
        return bits(b);
      case STRING:
        return textLong(b);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Long");
        }
        return textLong(b);
      default:
        throw cannot(c, "Long");
    }
  }

  private static long textLong(byte[] b) throws SQLException {
    String s = text(b);
    try {
      return new BigInteger(s).longValueExact();
    } catch (NumberFormatException e) {
      throw badValue(s, "Long");
    }
  }

  @Override
  float getFloat(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : (float) floating(column(c), raw(cell), true);
  }

  @Override
  double getDouble(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? 0 : floating(column(c), raw(cell), false);
  }

  private static double floating(Column c, byte[] b, boolean single) throws SQLException {
    String target = single ? "Float" : "Double";
    switch (c.decoder()) {
      case BIT:
      case DATE:
      case TIME:
      case TIMESTAMP:
      case UUID:
        throw cannot(c, target);
      case STRING:
        return textFloating(b, single);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, target);
        }
        return textFloating(b, single);
      default:
        return single ? Float.parseFloat(ascii(b)) : Double.parseDouble(ascii(b));
    }
  }

  private static double textFloating(byte[] b, boolean single) throws SQLException {
    String s = text(b);
    try {
      return single ? Float.parseFloat(s) : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw badValue(s, single ? "Float" : "Double");
    }
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : decimal(column(c), raw(cell));
  }

  @Override
  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c, int scale)
      throws SQLException {
    BigDecimal d = getBigDecimal(cell, c);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_DOWN);
  }

  private static BigDecimal decimal(Column c, byte[] b) throws SQLException {
    DataType t = c.type();
    if (INTEGERS.contains(t)
        || t == DataType.FLOAT
        || t == DataType.DOUBLE
        || t == DataType.DECIMAL) {
      return new BigDecimal(ascii(b));
    }
    if (t == DataType.BIT) {
      return BigDecimal.valueOf(bits(b));
    }
    if (TEXTS.contains(t)) {
      if (t == DataType.BLOB && c.binary()) {
        throw cannot(c, "BigDecimal");
      }
      String s = text(b);
      try {
        return new BigDecimal(s);
      } catch (NumberFormatException e) {
        throw badValue(s, "BigDecimal");
      }
    }
    throw cannot(c, "BigDecimal");
  }

  private static BigInteger bigInteger(Column c, byte[] b) throws SQLException {
    DataType t = c.type();
    if (t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.DECIMAL) {
      return new BigDecimal(ascii(b)).toBigInteger();
    }
    if (INTEGERS.contains(t)) {
      return new BigInteger(ascii(b));
    }
    if (t == DataType.BIT) {
      return BigInteger.valueOf(bits(b));
    }
    if (TEXTS.contains(t)) {
      if (t == DataType.BLOB && c.binary()) {
        throw cannot(c, "BigInteger");
      }
      String s = text(b);
      try {
        return new BigDecimal(s).toBigInteger();
      } catch (NumberFormatException e) {
        throw badValue(s, "BigInteger");
      }
    }
    throw cannot(c, "BigInteger");
  }

  // ---------------------------------------------------------------- bytes, streams, lobs

  private static boolean holdsBytes(DataType t) {
    return t == DataType.BIT || TEXTS.contains(t) || t == DataType.GEOMETRY;
  }

  @Override
  byte @Nullable [] getBytes(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return null;
    }
    Column col = column(c);
    if (!holdsBytes(col.type())) {
      throw cannot(col, "byte[]");
    }
    return raw(cell).clone();
  }

  private static InputStream stream(Column c, byte[] b) throws SQLException {
    if (!TEXTS.contains(c.type())) {
      throw cannot(c, "Stream");
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  @Nullable InputStream getAsciiStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : stream(column(c), raw(cell));
  }

  @Override
  @Nullable InputStream getUnicodeStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : stream(column(c), raw(cell));
  }

  @Override
  @Nullable InputStream getBinaryStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : stream(column(c), raw(cell));
  }

  private static Reader reader(Column c, byte[] b) throws SQLException {
    if (!TEXTS.contains(c.type()) || (c.type() == DataType.BLOB && c.binary())) {
      throw cannot(c, "Reader");
    }
    return new StringReader(text(b));
  }

  @Override
  @Nullable Reader getCharacterStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : reader(column(c), raw(cell));
  }

  @Override
  @Nullable Reader getNCharacterStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : reader(column(c), raw(cell));
  }

  @Override
  @Nullable String getNString(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return getString(cell, c);
  }

  private static NClob clob(Column c, byte[] b) throws SQLException {
    if (!TEXTS.contains(c.type()) || (c.type() == DataType.BLOB && c.binary())) {
      throw cannot(c, "Clob");
    }
    checkUtf8(b);
    return new JdbcConversions.TextNClob(text(b));
  }

  /** The driver's check of a character value's UTF-8, made when its length is read. */
  private static void checkUtf8(byte[] b) {
    int pos = 0;
    while (pos < b.length) {
      byte first = b[pos++];
      if (first >= 0) {
        continue;
      }
      if (first >> 5 != -2 || (first & 30) == 0) {
        if (first >> 4 == -2) {
          if (pos + 1 < b.length) {
            pos += 2;
          } else {
            throw new UncheckedIOException("invalid UTF8", new CharacterCodingException());
          }
        } else if (first >> 3 != -2) {
          throw new UncheckedIOException("invalid UTF8", new CharacterCodingException());
        } else if (pos + 2 < b.length) {
          pos += 3;
        } else {
          pos = b.length;
        }
      } else {
        pos++;
      }
    }
  }

  @Override
  @Nullable Clob getClob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    return cell == null ? null : clob(column(c), raw(cell));
  }

  @Override
  @Nullable NClob getNClob(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return cell == null ? null : clob(column(c), raw(cell));
  }

  private static Blob blob(Column c, byte[] b) throws SQLException {
    if (!holdsBytes(c.type())) {
      throw cannot(c, "Blob");
    }
    return new JdbcConversions.BytesBlob(b.clone());
  }

  @Override
  @Nullable Blob getBlob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    return cell == null ? null : blob(column(c), raw(cell));
  }

  @Override
  @Nullable Array getArray(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return null;
    }
    Column col = column(c);
    if (!(TEXTS.contains(col.type()) || col.type() == DataType.GEOMETRY)) {
      throw cannot(col, "float[]");
    }
    byte[] b = raw(cell);
    float[] floats = new float[b.length / Float.BYTES];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
    return new FloatVector(floats);
  }

  @Override
  @Nullable URL getURL(@Nullable Object cell, ColumnInfo c) throws SQLException {
    if (cell == null) {
      return null;
    }
    String s = string(column(c), raw(cell));
    try {
      return new URI(s).toURL();
    } catch (Exception e) {
      throw new SQLException("Could not parse '" + s + "' as URL", "42000");
    }
  }

  @Override
  @Nullable Ref getRef(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notSupported("Method ResultSet.getRef not supported");
  }

  @Override
  @Nullable RowId getRowId(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notSupported("RowId are not supported");
  }

  @Override
  @Nullable SQLXML getSQLXML(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw notSupported("Method ResultSet.getSQLXML not supported");
  }

  // ---------------------------------------------------------------- dates and times

  /**
   * The driver's timestamp parse: numbers between separators, a fraction in microseconds; null for
   * a zero date and time.
   */
  private static int @Nullable [] timestampParts(String raw) {
    int fractionDigits = -1;
    int[] parts = new int[7];
    int part = 0;
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '-' || ch == ' ' || ch == ':') {
        part++;
        continue;
      }
      if (ch == '.') {
        part++;
        fractionDigits = 0;
        continue;
      }
      if (fractionDigits >= 0) {
        fractionDigits++;
      }
      parts[part] = parts[part] * 10 + ch - '0';
    }
    if (part < 2) {
      throw new DateTimeException("Wrong timestamp format");
    }
    if (parts[0] == 0 && parts[1] == 0 && parts[2] == 0) {
      if (parts[3] == 0 && parts[4] == 0 && parts[5] == 0 && parts[6] == 0) {
        return null;
      }
      parts[1] = 1;
      parts[2] = 1;
    }
    if (fractionDigits >= 0) {
      for (int i = 0; i < 6 - fractionDigits; i++) {
        parts[6] = parts[6] * 10;
      }
      parts[6] = parts[6] * 1000;
    }
    return parts;
  }

  private static LocalDateTime localDateTime(int[] parts) {
    return LocalDateTime.of(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        .plusNanos(parts[6]);
  }

  /** A timestamp column's value, or null (and NULL) for a zero one. */
  private static @Nullable LocalDateTime timestampValue(byte[] b, Session session) {
    int[] parts = timestampParts(ascii(b));
    if (parts == null) {
      session.readAsNull();
      return null;
    }
    return localDateTime(parts);
  }

  private static long instant(LocalDateTime t, @Nullable Calendar cal) {
    Calendar c = cal;
    if (c == null) {
      c = Calendar.getInstance();
    } else {
      c.clear();
    }
    c.set(
        t.getYear(),
        t.getMonthValue() - 1,
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
    c.set(Calendar.MILLISECOND, 0);
    return c.getTimeInMillis();
  }

  private static Date calendarDate(@Nullable Calendar cal, int year, int month, int day) {
    Calendar c = cal == null ? Calendar.getInstance() : cal;
    c.clear();
    c.set(Calendar.YEAR, year);
    c.set(Calendar.MONTH, month - 1);
    c.set(Calendar.DAY_OF_MONTH, day);
    return new Date(c.getTimeInMillis());
  }

  private static int yearOf(Column c, short y) {
    if (c.length() == 2) {
      return y <= 69 ? y + 2000 : y + 1900;
    }
    return y;
  }

  /**
   * A time's parts: sign, hours, minutes, seconds and nanoseconds, from {@code [-]h:m:s[.f]}; the
   * driver refuses other characters and fewer than two separators.
   */
  private static int[] timeParts(Column c, byte[] b) throws SQLException {
    int[] parts = new int[5];
    parts[0] = 1;
    int index = 1;
    int digits = 0;
    int i = 0;
    if (b.length > 0 && b[0] == '-') {
      i++;
      parts[0] = -1;
    }
    for (; i < b.length; i++) {
      byte ch = b[i];
      if (ch == ':' || ch == '.') {
        index++;
        digits = 0;
        continue;
      }
      if (ch < '0' || ch > '9') {
        throw new SQLDataException(c.type() + " value '" + text(b) + "' cannot be decoded as Time");
      }
      digits++;
      parts[index] = parts[index] * 10 + (ch - '0');
    }
    if (index < 2) {
      throw new SQLDataException(c.type() + " value '" + text(b) + "' cannot be decoded as Time");
    }
    if (index == 4) {
      for (i = 0; i < 9 - digits; i++) {
        parts[4] = parts[4] * 10;
      }
    }
    return parts;
  }

  private static Time timeOfText(Column c, byte[] b, @Nullable Calendar cal) throws SQLException {
    Calendar calendar = cal == null ? Calendar.getInstance() : cal;
    int offset = calendar.getTimeZone().getOffset(0);
    int[] p = timeParts(c, b);
    long millis =
        (p[1] * 3_600_000L + p[2] * 60_000L + p[3] * 1_000L + p[4] / 1_000_000) * p[0] - offset;
    return new Time(millis);
  }

  @Override
  @Nullable Date getDate(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    return cell == null ? null : date(column(c), raw(cell), cal, session);
  }

  private static @Nullable Date date(Column c, byte[] b, @Nullable Calendar cal, Session session)
      throws SQLException {
    switch (c.decoder()) {
      case STRING:
        return textDate(c, b, cal);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Date");
        }
        return textDate(c, b, cal);
      case DATE:
        int year = (int) atoull(java.util.Arrays.copyOfRange(b, 0, 4));
        int month = (int) atoull(java.util.Arrays.copyOfRange(b, 5, 7));
        int day = (int) atoull(java.util.Arrays.copyOfRange(b, 8, 10));
        if (year == 0 && month == 0 && day == 0) {
          session.readAsNull();
          return null;
        }
        return calendarDate(cal, year, month, day);
      case TIMESTAMP:
        LocalDateTime t = timestampValue(b, session);
        return t == null ? null : new Date(instant(t, cal) + t.getNano() / 1_000_000);
      case YEAR:
        return Date.valueOf(yearOf(c, (short) atoll(b)) + "-01-01");
      default:
        throw cannot(c, "Date");
    }
  }

  private static @Nullable Date textDate(Column c, byte[] b, @Nullable Calendar cal)
      throws SQLException {
    String s = text(b);
    if (s.equals("0000-00-00")) {
      return null;
    }
    String[] parts = s.split("[- ]");
    if (parts.length < 3) {
      throw new SQLDataException("value '" + s + "' (" + c.type() + ") cannot be decoded as Date");
    }
    try {
      return calendarDate(
          cal, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      throw new SQLDataException("value '" + s + "' (" + c.type() + ") cannot be decoded as Date");
    }
  }

  @Override
  @Nullable Time getTime(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    return cell == null ? null : time(column(c), raw(cell), cal, session);
  }

  private static @Nullable Time time(Column c, byte[] b, @Nullable Calendar cal, Session session)
      throws SQLException {
    switch (c.decoder()) {
      case STRING:
      case TIME:
        return timeOfText(c, b, cal);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Time");
        }
        return timeOfText(c, b, cal);
      case TIMESTAMP:
        LocalDateTime t = timestampValue(b, session);
        return t == null
            ? null
            : new Time(
                instant(t.withYear(1970).withMonth(1).withDayOfMonth(1), cal)
                    + t.getNano() / 1_000_000);
      default:
        throw cannot(c, "Time");
    }
  }

  @Override
  @Nullable Timestamp getTimestamp(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    return cell == null ? null : timestamp(column(c), raw(cell), cal, session);
  }

  private static @Nullable Timestamp timestamp(
      Column c, byte[] b, @Nullable Calendar cal, Session session) throws SQLException {
    switch (c.decoder()) {
      case STRING:
        return textTimestamp(c, b, cal, session);
      case BLOB:
      case GEOMETRY:
        if (c.binary()) {
          throw cannot(c, "Timestamp");
        }
        return textTimestamp(c, b, cal, session);
      case DATE:
        if (cal == null || cal.getTimeZone().equals(TimeZone.getDefault())) {
          String s = ascii(b);
          if (s.equals("0000-00-00")) {
            session.readAsNull();
            return null;
          }
          return new Timestamp(Date.valueOf(s).getTime());
        }
        String[] parts = ascii(b).split("-");
        cal.clear();
        cal.set(
            Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) - 1, Integer.parseInt(parts[2]));
        return new Timestamp(cal.getTimeInMillis());
      case TIME:
        return timeTimestamp(c, b, cal);
      case TIMESTAMP:
        LocalDateTime t = timestampValue(b, session);
        if (t == null) {
          return null;
        }
        Timestamp ts = new Timestamp(instant(t, cal));
        ts.setNanos(t.getNano());
        return ts;
      case YEAR:
        int year = Integer.parseInt(ascii(b));
        if (c.length() <= 2) {
          year += year >= 70 ? 1900 : 2000;
        }
        Calendar yc = cal == null ? Calendar.getInstance() : cal;
        yc.clear();
        yc.set(year, Calendar.JANUARY, 1);
        return new Timestamp(yc.getTimeInMillis());
      default:
        throw cannot(c, "Timestamp");
    }
  }

  // The driver reads any digits between separators as year, month, day, hours... leniently.
  private static @Nullable Timestamp textTimestamp(
      Column c, byte[] b, @Nullable Calendar cal, Session session) throws SQLException {
    int fractionStart = -1;
    int[] parts = new int[7];
    int part = 0;
    for (int i = 0; i < b.length; i++) {
      byte ch = b[i];
      if (ch == '-' || ch == ' ' || ch == ':') {
        part++;
        continue;
      }
      if (ch == '.') {
        part++;
        fractionStart = i;
        continue;
      }
      if (ch < '0' || ch > '9') {
        throw new SQLDataException(
            "value '" + text(b) + "' (" + c.type() + ") cannot be decoded as Timestamp");
      }
      parts[part] = parts[part] * 10 + ch - '0';
    }
    if (part < 2) {
      // Fewer than three fields (an empty string included) is not a date to the driver.
      throw new SQLDataException(
          "value '" + text(b) + "' (" + c.type() + ") cannot be decoded as Timestamp");
    }
    boolean zero = true;
    for (int p : parts) {
      zero &= p == 0;
    }
    if (zero) {
      session.readAsNull();
      return null;
    }
    if (fractionStart > 0) {
      for (int i = 0; i < 6 - (b.length - fractionStart - 1); i++) {
        parts[6] = parts[6] * 10;
      }
    }
    Calendar calendar;
    if (cal == null) {
      calendar = Calendar.getInstance();
    } else {
      calendar = cal;
      calendar.clear();
    }
    calendar.set(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
    Timestamp t = new Timestamp(calendar.getTime().getTime());
    t.setNanos(parts[6] * 1000);
    return t;
  }

  private static Timestamp timeTimestamp(Column c, byte[] b, @Nullable Calendar cal)
      throws SQLException {
    int[] p = timeParts(c, b);
    Calendar calendar = cal == null ? Calendar.getInstance() : cal;
    calendar.clear();
    calendar.setLenient(true);
    Timestamp t;
    if (p[0] == -1) {
      calendar.set(1970, Calendar.JANUARY, 1, p[0] * p[1], p[0] * p[2], p[0] * p[3] - 1);
      t = new Timestamp(calendar.getTimeInMillis());
      t.setNanos(1_000_000_000 - p[4]);
    } else {
      calendar.set(1970, Calendar.JANUARY, 1, p[1], p[2], p[3]);
      t = new Timestamp(calendar.getTimeInMillis());
      t.setNanos(p[4]);
    }
    return t;
  }

  // ---------------------------------------------------------------- objects

  @Override
  @Nullable Object getObject(@Nullable Object cell, ColumnInfo c, Session session)
      throws SQLException {
    return cell == null ? null : defaultObject(column(c), raw(cell), session);
  }

  private static @Nullable Object defaultObject(Column c, byte[] b, Session session)
      throws SQLException {
    switch (c.decoder()) {
      case TINY:
        return c.length() == 1 ? (Object) bool(c, b) : (Object) (int) atoll(b);
      case UNSIGNED_TINY:
        return c.length() == 1 ? (Object) bool(c, b) : (Object) (int) atoull(b);
      case SMALL:
        return (short) atoll(b);
      case UNSIGNED_SMALL:
        return (int) atoull(b);
      case MEDIUM:
      case UNSIGNED_MEDIUM:
      case INT:
        return (int) atoll(b);
      case UNSIGNED_INT:
        return atoull(b);
      case BIGINT:
        return atoll(b);
      case UNSIGNED_BIGINT:
        return new BigInteger(ascii(b));
      case DECIMAL:
        return new BigDecimal(ascii(b));
      case FLOAT:
        return Float.parseFloat(ascii(b));
      case DOUBLE:
        return Double.parseDouble(ascii(b));
      case BIT:
        return c.length() == 1 ? (Object) (parseBit(b) != 0) : (Object) b.clone();
      case STRING:
        return c.binary() ? b.clone() : text(b);
      case BLOB:
        return c.binary() ? b.clone() : text(b);
      case GEOMETRY:
        return b.clone();
      case DATE:
        return date(c, b, null, session);
      case TIME:
        Calendar now = Calendar.getInstance();
        int offset = now.getTimeZone().getOffset(0);
        int[] p = timeParts(c, b);
        return new Time(
            (p[1] * 3_600_000L + p[2] * 60_000L + p[3] * 1_000L + p[4] / 1_000_000) * p[0]
                - offset);
      case TIMESTAMP:
        return timestamp(c, b, null, session);
      case YEAR:
        return Date.valueOf(yearOf(c, (short) atoull(b)) + "-01-01");
      case UUID:
        return java.util.UUID.fromString(ascii(b));
      default:
        throw new IllegalStateException("unknown decoder " + c.decoder());
    }
  }

  @Override
  @Nullable Object getObject(
      @Nullable Object cell, ColumnInfo c, @Nullable Map<String, Class<?>> map, Session session)
      throws SQLException {
    if (map == null || map.isEmpty()) {
      return getObject(cell, c, session);
    }
    throw notSupported(
        "Method ResultSet.getObject(int columnIndex, Map<String, Class<?>> map) not supported for"
            + " non empty map");
  }

  @Override
  @SuppressWarnings("unchecked")
  <T> @Nullable T getObject(@Nullable Object cell, ColumnInfo c, Class<T> type, Session session)
      throws SQLException {
    if (cell == null) {
      if (type != null && type.isPrimitive()) {
        throw new SQLException("Cannot return null for primitive " + type.getName());
      }
      return null;
    }
    Column col = column(c);
    byte[] b = raw(cell);
    if (type == null || type == Object.class) {
      return (T) defaultObject(col, b, session);
    }
    return (T) decode(col, b, type, session);
  }

  // The first of the driver's codecs, in its order, that decodes the column's type into the class.
  private static @Nullable Object decode(Column c, byte[] b, Class<?> type, Session session)
      throws SQLException {
    DataType t = c.type();
    boolean text = TEXTS.contains(t);
    boolean number =
        INTEGERS.contains(t)
            || t == DataType.FLOAT
            || t == DataType.DOUBLE
            || t == DataType.DECIMAL
            || t == DataType.BIT;
    if (type.isAssignableFrom(BigDecimal.class) && (number || text)) {
      return decimal(c, b);
    }
    if (type.isAssignableFrom(BigInteger.class) && (number || text)) {
      return bigInteger(c, b);
    }
    if (type.isAssignableFrom(Blob.class) && (t == DataType.BIT || text)) {
      return blob(c, b);
    }
    if (type.isAssignableFrom(Boolean.class) && (number || text)) {
      return bool(c, b);
    }
    if (type.isAssignableFrom(byte[].class) && holdsBytes(t)) {
      return b.clone();
    }
    if (type.isAssignableFrom(Byte.class) && (number || text)) {
      return toByte(c, b);
    }
    if ((type.isAssignableFrom(Clob.class) || type.isAssignableFrom(NClob.class)) && text) {
      return clob(c, b);
    }
    boolean dated =
        text
            || t == DataType.DATE
            || t == DataType.DATETIME
            || t == DataType.TIMESTAMP
            || t == DataType.YEAR;
    if (type.isAssignableFrom(Date.class) && dated) {
      return date(c, b, null, session);
    }
    boolean numeric = number && t != DataType.BIT;
    if (type.isAssignableFrom(Double.class) && (numeric || text)) {
      return floating(c, b, false);
    }
    if (type.isAssignableFrom(Float.class) && (numeric || text)) {
      return (float) floating(c, b, true);
    }
    if (type.isAssignableFrom(Integer.class) && (number || text)) {
      return toInt(c, b);
    }
    boolean timed = text || TEMPORALS.contains(t);
    if (type.isAssignableFrom(Instant.class) && timed) {
      ZonedDateTime z = zoned(c, b, null, session);
      return z == null ? null : z.toLocalDateTime().atZone(ZoneId.systemDefault()).toInstant();
    }
    if (type.isAssignableFrom(OffsetDateTime.class) && timed) {
      return offsetDateTime(c, b, session);
    }
    if (type.isAssignableFrom(LocalDate.class) && dated) {
      return localDate(c, b, session);
    }
    if (type.isAssignableFrom(LocalDateTime.class) && timed) {
      ZonedDateTime z = zoned(c, b, null, session);
      return z == null ? null : z.toLocalDateTime();
    }
    boolean clocked =
        text || t == DataType.TIME || t == DataType.DATETIME || t == DataType.TIMESTAMP;
    if (type.isAssignableFrom(LocalTime.class) && clocked) {
      return localTime(c, b, session);
    }
    if (type.isAssignableFrom(Long.class) && (number || text)) {
      return toLong(c, b);
    }
    if (type.isAssignableFrom(Reader.class) && text) {
      return reader(c, b);
    }
    if (type.isAssignableFrom(Short.class) && (number || text)) {
      return toShort(c, b);
    }
    if (type.isAssignableFrom(InputStream.class) && text) {
      return stream(c, b);
    }
    if (type.isAssignableFrom(String.class) && (number || text || TEMPORALS.contains(t))) {
      return string(c, b);
    }
    if (type.isAssignableFrom(Time.class) && type != java.util.Date.class && clocked) {
      return time(c, b, null, session);
    }
    if (type.isAssignableFrom(Timestamp.class) && timed) {
      return timestamp(c, b, null, session);
    }
    if (type.isAssignableFrom(UUID.class) && (t == DataType.STRING || t == DataType.VARSTRING)) {
      return java.util.UUID.fromString(string(c, b));
    }
    if (type.isAssignableFrom(ZonedDateTime.class) && timed) {
      return zoned(c, b, null, session);
    }
    throw new SQLException("Type " + type + " not supported type for " + t + " type");
  }

  private static @Nullable ZonedDateTime zoned(
      Column c, byte[] b, @Nullable Calendar cal, Session session) throws SQLException {
    ZoneId zone = (cal == null ? TimeZone.getDefault() : cal.getTimeZone()).toZoneId();
    switch (c.type()) {
      case BLOB:
      case STRING:
      case VARSTRING:
        if (c.type() == DataType.BLOB && c.binary()) {
          throw cannot(c, "ZoneDateTime");
        }
        String s = text(b);
        try {
          int[] parts = timestampParts(s);
          if (parts == null) {
            session.readAsNull();
            return null;
          }
          return localDateTime(parts).atZone(zone);
        } catch (DateTimeException e) {
          throw new SQLDataException(
              "value '" + s + "' (" + c.type() + ") cannot be decoded as ZoneDateTime");
        }
      case DATE:
        int[] d = dateParts(b);
        if (d == null) {
          session.readAsNull();
          return null;
        }
        return LocalDateTime.of(d[0], d[1], d[2], 0, 0, 0).atZone(zone);
      case DATETIME:
      case TIMESTAMP:
        int[] parts = timestampParts(ascii(b));
        if (parts == null) {
          session.readAsNull();
          return null;
        }
        return localDateTime(parts).atZone(zone);
      case TIME:
        int[] p = timeParts(c, b);
        if (p[0] == -1) {
          return LocalDateTime.of(1970, 1, 1, 0, 0)
              .minusHours(p[1] % 24)
              .minusMinutes(p[2])
              .minusSeconds(p[3])
              .minusNanos(p[4])
              .atZone(zone);
        }
        return LocalDateTime.of(1970, 1, 1, p[1] % 24, p[2], p[3]).plusNanos(p[4]).atZone(zone);
      case YEAR:
        int year = Integer.parseInt(ascii(b));
        if (c.length() <= 2) {
          year += year >= 70 ? 1900 : 2000;
        }
        return LocalDateTime.of(year, 1, 1, 0, 0).atZone(zone);
      default:
        throw cannot(c, "ZoneDateTime");
    }
  }

  private static int @Nullable [] dateParts(byte[] b) {
    int[] parts = new int[3];
    int part = 0;
    for (byte ch : b) {
      if (ch == '-') {
        part++;
        continue;
      }
      parts[part] = parts[part] * 10 + ch - '0';
    }
    if (parts[0] == 0 && parts[1] == 0 && parts[2] == 0) {
      return null;
    }
    return parts;
  }

  private static @Nullable OffsetDateTime offsetDateTime(Column c, byte[] b, Session session)
      throws SQLException {
    switch (c.type()) {
      case DATETIME:
      case TIMESTAMP:
        ZonedDateTime z = zoned(c, b, null, session);
        return z == null ? null : z.toOffsetDateTime();
      case STRING:
      case VARSTRING:
        String s = text(b);
        try {
          int[] parts = timestampParts(s);
          if (parts == null) {
            session.readAsNull();
            return null;
          }
          return localDateTime(parts).atZone(TimeZone.getDefault().toZoneId()).toOffsetDateTime();
        } catch (RuntimeException e) {
          try {
            return OffsetDateTime.parse(s);
          } catch (RuntimeException again) {
            // the driver's last try failed too
          }
        }
        throw new SQLDataException(
            "value '" + s + "' (" + c.type() + ") cannot be decoded as OffsetDateTime");
      default:
        throw new SQLDataException(
            "value of type " + c.type() + " cannot be decoded as OffsetDateTime");
    }
  }

  private static @Nullable LocalDate localDate(Column c, byte[] b, Session session)
      throws SQLException {
    int[] parts;
    switch (c.type()) {
      case YEAR:
        short y = (short) atoull(b);
        if (b.length == 2 && c.length() == 2) {
          y += y <= 69 ? 2000 : 1900;
        }
        return LocalDate.of(y, 1, 1);
      case DATE:
        parts = dateParts(b);
        break;
      case DATETIME:
      case TIMESTAMP:
        parts = timestampParts(ascii(b));
        break;
      case BLOB:
      case STRING:
      case VARSTRING:
        if (c.type() == DataType.BLOB && c.binary()) {
          throw cannot(c, "Date");
        }
        String s = text(b);
        String[] fields = s.split("[- ]");
        if (fields.length < 3) {
          throw new SQLDataException(
              "value '" + s + "' (" + c.type() + ") cannot be decoded as Date");
        }
        try {
          int year = Integer.parseInt(fields[0]);
          int month = Integer.parseInt(fields[1]);
          int day = Integer.parseInt(fields[2]);
          if (year == 0 && month == 0 && day == 0) {
            session.readAsNull();
            return null;
          }
          return LocalDate.of(year, month, day);
        } catch (NumberFormatException e) {
          throw new SQLDataException(
              "value '" + s + "' (" + c.type() + ") cannot be decoded as Date");
        }
      default:
        throw cannot(c, "Date");
    }
    if (parts == null) {
      session.readAsNull();
      return null;
    }
    return LocalDate.of(parts[0], parts[1], parts[2]);
  }

  private static @Nullable LocalTime localTime(Column c, byte[] b, Session session)
      throws SQLException {
    switch (c.type()) {
      case DATETIME:
      case TIMESTAMP:
        int[] parts = timestampParts(text(b));
        if (parts == null) {
          session.readAsNull();
          return null;
        }
        return LocalTime.of(parts[3], parts[4], parts[5], parts[6]);
      case TIME:
        int[] p = timeParts(c, b);
        p[1] = p[1] % 24;
        if (p[0] == -1) {
          long seconds = 24 * 60 * 60 - (p[1] * 3600 + p[2] * 60L + p[3]);
          return LocalTime.ofNanoOfDay(seconds * 1_000_000_000 - p[4]);
        }
        return LocalTime.of(p[1] % 24, p[2], p[3], p[4]);
      case BLOB:
      case STRING:
      case VARSTRING:
        if (c.type() == DataType.BLOB && c.binary()) {
          throw cannot(c, "LocalTime");
        }
        String s = text(b);
        try {
          if (s.contains(" ")) {
            return LocalDateTime.parse(
                    s, LOCAL_DATE_TIME.withZone(TimeZone.getDefault().toZoneId()))
                .toLocalTime();
          }
          return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
          throw new SQLDataException(
              "value '" + s + "' (" + c.type() + ") cannot be decoded as LocalTime");
        }
      default:
        throw cannot(c, "LocalTime");
    }
  }

  /** The driver's array of a value: its bytes as little-endian floats (a vector). */
  private static final class FloatVector extends DetachedArray {
    private final float[] values;

    FloatVector(float[] values) {
      this.values = values;
    }

    @Override
    public String getBaseTypeName() {
      return "float[]";
    }

    @Override
    public int getBaseType() {
      return Types.FLOAT;
    }

    @Override
    public Object getArray() {
      return values.clone();
    }

    @Override
    public Object getArray(@Nullable Map<String, Class<?>> map) throws SQLException {
      throw new SQLFeatureNotSupportedException(
          "getArray(Map<String, Class<?>> map) is not supported");
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
      if (index < 1 || index > values.length) {
        throw new SQLException(
            "Wrong index position. Is " + index + " but must be in 1-" + values.length + " range");
      }
      if (count < 0 || (index - 1 + count) > values.length) {
        throw new SQLException("Count value is too big. Count is " + count);
      }
      return java.util.Arrays.copyOfRange(values, (int) index - 1, (int) index - 1 + count);
    }

    @Override
    public Object getArray(long index, int count, @Nullable Map<String, Class<?>> map)
        throws SQLException {
      throw new SQLFeatureNotSupportedException(
          "getArray(long index, int count, Map<String, Class<?>> map) is not supported");
    }
  }
}
