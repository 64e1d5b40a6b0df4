package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import dev.layercache.sql.internal.CellValues.ArrayValue;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Locale;
import java.util.Map;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;
import org.jspecify.annotations.Nullable;

/**
 * How one driver's result set answers each getter, reproduced over cached cells: a cached result
 * must return what the driver returns for the same column, or throw what it throws. Each driver the
 * wrapper knows has its own subclass, which also decides how its cells are read ({@link #reader})
 * and which columns it cannot reproduce (their queries are not cached). This class is the JDBC
 * conversion table of {@link JdbcConversions}, for drivers the wrapper does not know.
 *
 * <p>Getters receive the cell (null for SQL NULL) and its column. Immutable and thread-safe.
 */
class DriverConversions {
  /** Reads one cell of the driver's current row into its cached form. */
  interface CellReader {
    @Nullable Object read(ResultSet rs, int column) throws SQLException;
  }

  /** What a getter may need to know of the connection the cached result is read through. */
  interface Session {
    /** Whether the connection is in auto-commit mode. */
    boolean autoCommit() throws SQLException;

    /** Makes {@code wasNull} true after this getter: the driver read the value as NULL. */
    void readAsNull();
  }

  static final DriverConversions STANDARD = new DriverConversions(RoundingMode.DOWN, false);

  private final RoundingMode rounding;
  private final boolean integersPrintPlain;

  DriverConversions(RoundingMode rounding, boolean integersPrintPlain) {
    this.rounding = rounding;
    this.integersPrintPlain = integersPrintPlain;
  }

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger("dev.layercache.sql");

  /** The conversions of the driver behind a connection. */
  static DriverConversions of(Connection c) throws SQLException {
    java.sql.DatabaseMetaData md = c.getMetaData();
    String driver = md.getDriverName().toLowerCase(Locale.ROOT);
    if (driver.contains("postgresql")) {
      checkVerified(md, 42, 7);
      return new PostgresConversions(driverClasses(c));
    }
    if (driver.contains("mariadb")) {
      checkVerified(md, 3, 5);
      return new MariaDbConversions();
    }
    if (driver.startsWith("h2")) {
      checkVerified(md, 2, 5);
      return new H2Conversions();
    }
    return STANDARD;
  }

  // Each driver's conversions are verified getter by getter against one driver line; another
  // line may convert some edge case differently (a driver's own release notes show such changes).
  private static void checkVerified(java.sql.DatabaseMetaData md, int major, int minor)
      throws SQLException {
    if (md.getDriverMajorVersion() != major || md.getDriverMinorVersion() != minor) {
      LOG.warn(
          "{} {}: cached results reproduce the getters of driver version {}.{}, against which"
              + " they are verified; with this version a getter's conversion of an edge case"
              + " (text read as a date, a binary column read as an object) may differ from the"
              + " driver's",
          md.getDriverName(),
          md.getDriverVersion(),
          major,
          minor);
    }
  }

  // The class loader of the driver's own classes, for the values whose class is the driver's.
  private static ClassLoader driverClasses(Connection c) throws SQLException {
    Connection real = c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : c;
    ClassLoader loader = real.getClass().getClassLoader();
    return loader != null ? loader : ClassLoader.getSystemClassLoader();
  }

  /** How a column's cells are read, or null if the cache cannot reproduce the column. */
  @Nullable CellReader reader(ColumnInfo column) {
    return ResultReader.canonicalReader(column, integersPrintPlain);
  }

  final RoundingMode rounding() {
    return rounding;
  }

  // ---------------------------------------------------------------- getters

  @Nullable String getString(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return JdbcConversions.toText(cell);
  }

  boolean getBoolean(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v != null && JdbcConversions.toBoolean(v);
  }

  byte getByte(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null
        ? 0
        : (byte) JdbcConversions.toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte", rounding);
  }

  short getShort(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null
        ? 0
        : (short) JdbcConversions.toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "short", rounding);
  }

  int getInt(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null
        ? 0
        : (int) JdbcConversions.toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", rounding);
  }

  long getLong(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null
        ? 0
        : JdbcConversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long", rounding);
  }

  float getFloat(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? 0 : (float) JdbcConversions.toDouble(v);
  }

  double getDouble(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? 0 : JdbcConversions.toDouble(v);
  }

  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? null : JdbcConversions.toBigDecimal(v);
  }

  @Nullable BigDecimal getBigDecimal(@Nullable Object cell, ColumnInfo c, int scale)
      throws SQLException {
    BigDecimal d = getBigDecimal(cell, c);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  byte @Nullable [] getBytes(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? null : JdbcConversions.toBytes(v);
  }

  @Nullable Date getDate(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? null : JdbcConversions.toDate(v, cal);
  }

  @Nullable Time getTime(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? null : JdbcConversions.toTime(v, cal);
  }

  @Nullable Timestamp getTimestamp(
      @Nullable Object cell, ColumnInfo c, @Nullable Calendar cal, Session session)
      throws SQLException {
    Object v = CellValues.value(cell);
    return v == null ? null : JdbcConversions.toTimestamp(v, cal);
  }

  @Nullable InputStream getAsciiStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Nullable InputStream getUnicodeStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_16BE));
  }

  @Nullable InputStream getBinaryStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    byte[] b = getBytes(cell, c);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Nullable Reader getCharacterStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new StringReader(s);
  }

  @Nullable Reader getNCharacterStream(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return getCharacterStream(cell, c);
  }

  @Nullable String getNString(@Nullable Object cell, ColumnInfo c) throws SQLException {
    return getString(cell, c);
  }

  @Nullable Object getObject(@Nullable Object cell, ColumnInfo c, Session session)
      throws SQLException {
    return JdbcConversions.toObject(cell, c);
  }

  @Nullable Object getObject(
      @Nullable Object cell, ColumnInfo c, @Nullable Map<String, Class<?>> map, Session session)
      throws SQLException {
    if (map != null && !map.isEmpty()) {
      throw new SQLFeatureNotSupportedException("type maps are not supported by cached results");
    }
    return getObject(cell, c, session);
  }

  <T> @Nullable T getObject(@Nullable Object cell, ColumnInfo c, Class<T> type, Session session)
      throws SQLException {
    if (type == null) {
      throw new SQLException("type is null");
    }
    return cell == null ? null : JdbcConversions.toType(cell, c, type, rounding);
  }

  @Nullable Array getArray(@Nullable Object cell, ColumnInfo c) throws SQLException {
    Object v = CellValues.value(cell);
    if (v == null) {
      return null;
    }
    if (v instanceof ArrayValue) {
      return new CachedArray((ArrayValue) v);
    }
    throw JdbcConversions.cannot(v, "Array");
  }

  @Nullable Blob getBlob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    byte[] b = getBytes(cell, c);
    return b == null ? null : new SerialBlob(b);
  }

  @Nullable Clob getClob(@Nullable Object cell, ColumnInfo c, Session session) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new SerialClob(s.toCharArray());
  }

  @Nullable NClob getNClob(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    return s == null ? null : new JdbcConversions.TextNClob(s);
  }

  @Nullable URL getURL(@Nullable Object cell, ColumnInfo c) throws SQLException {
    String s = getString(cell, c);
    if (s == null) {
      return null;
    }
    try {
      return URI.create(s.trim()).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new SQLException("not a URL: " + s, "22000", e);
    }
  }

  @Nullable Ref getRef(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw new SQLFeatureNotSupportedException("getRef on a cached result");
  }

  @Nullable RowId getRowId(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw new SQLFeatureNotSupportedException("getRowId on a cached result");
  }

  @Nullable SQLXML getSQLXML(@Nullable Object cell, ColumnInfo c) throws SQLException {
    throw new SQLFeatureNotSupportedException("getSQLXML on a cached result");
  }

  /** Whether {@code wasNull} is true after reading this cell (some drivers read values as NULL). */
  boolean readsAsNull(@Nullable Object cell, ColumnInfo c) {
    return cell == null;
  }
}
