package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CachedResult.ColumnInfo;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A read-only result set over canonical rows: a cached result (forward-only or scrollable), or a
 * result over the policy's limits that replays the rows already read and then streams the rest from
 * the driver (forward-only). Getters follow {@link JdbcConversions}. Not thread-safe, like a
 * driver's result set.
 */
final class CachedResultSet extends ReadOnlyResultSet {
  private final List<ColumnInfo> columns;
  private final List<@Nullable Object[]> rows;
  private final @Nullable ResultSet live;
  private final @Nullable ResultReader liveReader;
  private final int type;
  private final int holdability;
  private final @Nullable Statement statement;
  private final @Nullable Runnable onClose;
  private final DriverConversions conversions;
  private final DriverConversions.Session session =
      new DriverConversions.Session() {
        @Override
        public boolean autoCommit() throws SQLException {
          return statement == null || statement.getConnection().getAutoCommit();
        }

        @Override
        public void readAsNull() {
          wasNull = true;
        }
      };
  private @Nullable Map<String, Integer> labels;
  private int cursor; // 0 before the first row, rows + 1 after the last
  private @Nullable Object @Nullable [] liveRow;
  private boolean liveDone;
  private boolean wasNull;
  private boolean closed;
  private int fetchSize;
  private int fetchDirection = ResultSet.FETCH_FORWARD;

  private CachedResultSet(
      List<ColumnInfo> columns,
      List<@Nullable Object[]> rows,
      @Nullable ResultSet live,
      @Nullable ResultReader liveReader,
      int type,
      int holdability,
      @Nullable Statement statement,
      @Nullable Runnable onClose,
      DriverConversions conversions) {
    this.columns = columns;
    this.conversions = conversions;
    this.rows = rows;
    this.live = live;
    this.liveReader = liveReader;
    this.type = live != null ? ResultSet.TYPE_FORWARD_ONLY : type;
    this.holdability = holdability;
    this.statement = statement;
    this.onClose = onClose;
  }

  /** A result set over a complete result. */
  static CachedResultSet of(
      CachedResult result,
      int type,
      int holdability,
      @Nullable Statement statement,
      @Nullable Runnable onClose,
      DriverConversions conversions) {
    return new CachedResultSet(
        result.columns(),
        result.rows(),
        null,
        null,
        type,
        holdability,
        statement,
        onClose,
        conversions);
  }

  /** A forward-only result set that replays {@code rows} and then reads on from {@code live}. */
  static CachedResultSet resumed(
      ResultReader reader,
      List<@Nullable Object[]> rows,
      ResultSet live,
      int holdability,
      @Nullable Statement statement,
      @Nullable Runnable onClose,
      DriverConversions conversions) {
    return new CachedResultSet(
        reader.columns(),
        rows,
        live,
        reader,
        ResultSet.TYPE_FORWARD_ONLY,
        holdability,
        statement,
        onClose,
        conversions);
  }

  // ---------------------------------------------------------------- navigation

  private void open() throws SQLException {
    if (closed) {
      throw new SQLException("result set is closed", "24000");
    }
  }

  private void scrollable() throws SQLException {
    open();
    if (type == ResultSet.TYPE_FORWARD_ONLY) {
      throw new SQLException("operation requires a scrollable result set", "24000");
    }
  }

  @Override
  public boolean next() throws SQLException {
    open();
    if (cursor < rows.size()) {
      cursor++;
      return true;
    }
    if (live != null && !liveDone) {
      if (live.next()) {
        liveRow = liveReader.readRow(live);
        cursor++;
        return true;
      }
      liveDone = true;
      liveRow = null;
      live.close();
      cursor++;
      return false;
    }
    cursor = rows.size() + 1;
    return false;
  }

  @Override
  public boolean previous() throws SQLException {
    scrollable();
    if (cursor > 0) {
      cursor--;
    }
    return cursor >= 1;
  }

  @Override
  public boolean first() throws SQLException {
    scrollable();
    cursor = rows.isEmpty() ? 0 : 1;
    return !rows.isEmpty();
  }

  @Override
  public boolean last() throws SQLException {
    scrollable();
    cursor = rows.size();
    return !rows.isEmpty();
  }

  @Override
  public void beforeFirst() throws SQLException {
    scrollable();
    cursor = 0;
  }

  @Override
  public void afterLast() throws SQLException {
    scrollable();
    cursor = rows.size() + 1;
  }

  @Override
  public boolean absolute(int row) throws SQLException {
    scrollable();
    int n = rows.size();
    int target = row >= 0 ? row : n + 1 + row;
    if (target <= 0) {
      cursor = 0;
      return false;
    }
    if (target > n) {
      cursor = n + 1;
      return false;
    }
    cursor = target;
    return true;
  }

  @Override
  public boolean relative(int offset) throws SQLException {
    scrollable();
    int target = cursor + offset;
    if (target <= 0) {
      cursor = 0;
      return false;
    }
    if (target > rows.size()) {
      cursor = rows.size() + 1;
      return false;
    }
    cursor = target;
    return true;
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    open();
    return cursor == 0 && (!rows.isEmpty() || (live != null && !liveDone));
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    open();
    return live == null ? !rows.isEmpty() && cursor > rows.size() : liveDone;
  }

  @Override
  public boolean isFirst() throws SQLException {
    open();
    return cursor == 1 && (cursor <= rows.size() || liveRow != null);
  }

  @Override
  public boolean isLast() throws SQLException {
    open();
    if (live != null) {
      throw new SQLFeatureNotSupportedException("isLast on a streaming result set");
    }
    return !rows.isEmpty() && cursor == rows.size();
  }

  @Override
  public int getRow() throws SQLException {
    open();
    boolean onRow = cursor >= 1 && (cursor <= rows.size() || liveRow != null);
    return onRow ? cursor : 0;
  }

  // ---------------------------------------------------------------- cells

  private @Nullable Object cell(int column) throws SQLException {
    open();
    if (column < 1 || column > columns.size()) {
      throw new SQLException(
          "column index " + column + " is out of range 1.." + columns.size(), "S1002");
    }
    Object[] row;
    if (cursor >= 1 && cursor <= rows.size()) {
      row = rows.get(cursor - 1);
    } else if (liveRow != null && cursor > rows.size()) {
      row = liveRow;
    } else {
      throw new SQLException("the cursor is not on a row", "24000");
    }
    Object c = row[column - 1];
    wasNull = conversions.readsAsNull(c, columns.get(column - 1));
    return c;
  }

  @Override
  public boolean wasNull() throws SQLException {
    open();
    return wasNull;
  }

  @Override
  public int findColumn(String label) throws SQLException {
    open();
    Map<String, Integer> map = labels;
    if (map == null) {
      map = new HashMap<>();
      for (int i = columns.size() - 1; i >= 0; i--) {
        // First column wins for duplicate labels, as in the drivers.
        map.put(columns.get(i).label().toLowerCase(Locale.ROOT), i + 1);
      }
      labels = map;
    }
    Integer i = label == null ? null : map.get(label.toLowerCase(Locale.ROOT));
    if (i == null) {
      throw new SQLException("no column labelled '" + label + "'", "42703");
    }
    return i;
  }

  private ColumnInfo column(int column) {
    return columns.get(column - 1);
  }

  @Override
  public @Nullable String getString(int column) throws SQLException {
    return conversions.getString(cell(column), column(column));
  }

  @Override
  public boolean getBoolean(int column) throws SQLException {
    return conversions.getBoolean(cell(column), column(column));
  }

  @Override
  public byte getByte(int column) throws SQLException {
    return conversions.getByte(cell(column), column(column));
  }

  @Override
  public short getShort(int column) throws SQLException {
    return conversions.getShort(cell(column), column(column));
  }

  @Override
  public int getInt(int column) throws SQLException {
    return conversions.getInt(cell(column), column(column));
  }

  @Override
  public long getLong(int column) throws SQLException {
    return conversions.getLong(cell(column), column(column));
  }

  @Override
  public float getFloat(int column) throws SQLException {
    return conversions.getFloat(cell(column), column(column));
  }

  @Override
  public double getDouble(int column) throws SQLException {
    return conversions.getDouble(cell(column), column(column));
  }

  @Override
  public @Nullable BigDecimal getBigDecimal(int column) throws SQLException {
    return conversions.getBigDecimal(cell(column), column(column));
  }

  @Override
  @Deprecated
  public @Nullable BigDecimal getBigDecimal(int column, int scale) throws SQLException {
    return conversions.getBigDecimal(cell(column), column(column), scale);
  }

  @Override
  public byte @Nullable [] getBytes(int column) throws SQLException {
    return conversions.getBytes(cell(column), column(column));
  }

  @Override
  public @Nullable Date getDate(int column) throws SQLException {
    return getDate(column, null);
  }

  @Override
  public @Nullable Date getDate(int column, @Nullable Calendar cal) throws SQLException {
    return conversions.getDate(cell(column), column(column), cal, session);
  }

  @Override
  public @Nullable Time getTime(int column) throws SQLException {
    return getTime(column, null);
  }

  @Override
  public @Nullable Time getTime(int column, @Nullable Calendar cal) throws SQLException {
    return conversions.getTime(cell(column), column(column), cal, session);
  }

  @Override
  public @Nullable Timestamp getTimestamp(int column) throws SQLException {
    return getTimestamp(column, null);
  }

  @Override
  public @Nullable Timestamp getTimestamp(int column, @Nullable Calendar cal) throws SQLException {
    return conversions.getTimestamp(cell(column), column(column), cal, session);
  }

  @Override
  public @Nullable InputStream getAsciiStream(int column) throws SQLException {
    return conversions.getAsciiStream(cell(column), column(column));
  }

  @Override
  @Deprecated
  public @Nullable InputStream getUnicodeStream(int column) throws SQLException {
    return conversions.getUnicodeStream(cell(column), column(column));
  }

  @Override
  public @Nullable InputStream getBinaryStream(int column) throws SQLException {
    return conversions.getBinaryStream(cell(column), column(column));
  }

  @Override
  public @Nullable Reader getCharacterStream(int column) throws SQLException {
    return conversions.getCharacterStream(cell(column), column(column));
  }

  @Override
  public @Nullable Reader getNCharacterStream(int column) throws SQLException {
    return conversions.getNCharacterStream(cell(column), column(column));
  }

  @Override
  public @Nullable String getNString(int column) throws SQLException {
    return conversions.getNString(cell(column), column(column));
  }

  @Override
  public @Nullable Object getObject(int column) throws SQLException {
    return conversions.getObject(cell(column), column(column), session);
  }

  @Override
  public @Nullable Object getObject(int column, @Nullable Map<String, Class<?>> map)
      throws SQLException {
    return conversions.getObject(cell(column), column(column), map, session);
  }

  @Override
  public <T> @Nullable T getObject(int column, Class<T> type) throws SQLException {
    return conversions.getObject(cell(column), column(column), type, session);
  }

  @Override
  public @Nullable Array getArray(int column) throws SQLException {
    return conversions.getArray(cell(column), column(column));
  }

  @Override
  public @Nullable Blob getBlob(int column) throws SQLException {
    return conversions.getBlob(cell(column), column(column), session);
  }

  @Override
  public @Nullable Clob getClob(int column) throws SQLException {
    return conversions.getClob(cell(column), column(column), session);
  }

  @Override
  public @Nullable NClob getNClob(int column) throws SQLException {
    return conversions.getNClob(cell(column), column(column));
  }

  @Override
  public @Nullable URL getURL(int column) throws SQLException {
    return conversions.getURL(cell(column), column(column));
  }

  @Override
  public @Nullable Ref getRef(int column) throws SQLException {
    return conversions.getRef(cell(column), column(column));
  }

  @Override
  public @Nullable RowId getRowId(int column) throws SQLException {
    return conversions.getRowId(cell(column), column(column));
  }

  @Override
  public @Nullable SQLXML getSQLXML(int column) throws SQLException {
    return conversions.getSQLXML(cell(column), column(column));
  }

  // ---------------------------------------------------------------- by label

  @Override
  public @Nullable String getString(String label) throws SQLException {
    return getString(findColumn(label));
  }

  @Override
  public boolean getBoolean(String label) throws SQLException {
    return getBoolean(findColumn(label));
  }

  @Override
  public byte getByte(String label) throws SQLException {
    return getByte(findColumn(label));
  }

  @Override
  public short getShort(String label) throws SQLException {
    return getShort(findColumn(label));
  }

  @Override
  public int getInt(String label) throws SQLException {
    return getInt(findColumn(label));
  }

  @Override
  public long getLong(String label) throws SQLException {
    return getLong(findColumn(label));
  }

  @Override
  public float getFloat(String label) throws SQLException {
    return getFloat(findColumn(label));
  }

  @Override
  public double getDouble(String label) throws SQLException {
    return getDouble(findColumn(label));
  }

  @Override
  public @Nullable BigDecimal getBigDecimal(String label) throws SQLException {
    return getBigDecimal(findColumn(label));
  }

  @Override
  @Deprecated
  public @Nullable BigDecimal getBigDecimal(String label, int scale) throws SQLException {
    return getBigDecimal(findColumn(label), scale);
  }

  @Override
  public byte @Nullable [] getBytes(String label) throws SQLException {
    return getBytes(findColumn(label));
  }

  @Override
  public @Nullable Date getDate(String label) throws SQLException {
    return getDate(findColumn(label));
  }

  @Override
  public @Nullable Date getDate(String label, @Nullable Calendar cal) throws SQLException {
    return getDate(findColumn(label), cal);
  }

  @Override
  public @Nullable Time getTime(String label) throws SQLException {
    return getTime(findColumn(label));
  }

  @Override
  public @Nullable Time getTime(String label, @Nullable Calendar cal) throws SQLException {
    return getTime(findColumn(label), cal);
  }

  @Override
  public @Nullable Timestamp getTimestamp(String label) throws SQLException {
    return getTimestamp(findColumn(label));
  }

  @Override
  public @Nullable Timestamp getTimestamp(String label, @Nullable Calendar cal)
      throws SQLException {
    return getTimestamp(findColumn(label), cal);
  }

  @Override
  public @Nullable InputStream getAsciiStream(String label) throws SQLException {
    return getAsciiStream(findColumn(label));
  }

  @Override
  @Deprecated
  public @Nullable InputStream getUnicodeStream(String label) throws SQLException {
    return getUnicodeStream(findColumn(label));
  }

  @Override
  public @Nullable InputStream getBinaryStream(String label) throws SQLException {
    return getBinaryStream(findColumn(label));
  }

  @Override
  public @Nullable Reader getCharacterStream(String label) throws SQLException {
    return getCharacterStream(findColumn(label));
  }

  @Override
  public @Nullable Reader getNCharacterStream(String label) throws SQLException {
    return getNCharacterStream(findColumn(label));
  }

  @Override
  public @Nullable String getNString(String label) throws SQLException {
    return getNString(findColumn(label));
  }

  @Override
  public @Nullable Object getObject(String label) throws SQLException {
    return getObject(findColumn(label));
  }

  @Override
  public @Nullable Object getObject(String label, @Nullable Map<String, Class<?>> map)
      throws SQLException {
    return getObject(findColumn(label), map);
  }

  @Override
  public <T> @Nullable T getObject(String label, Class<T> type) throws SQLException {
    return getObject(findColumn(label), type);
  }

  @Override
  public @Nullable Array getArray(String label) throws SQLException {
    return getArray(findColumn(label));
  }

  @Override
  public @Nullable Blob getBlob(String label) throws SQLException {
    return getBlob(findColumn(label));
  }

  @Override
  public @Nullable Clob getClob(String label) throws SQLException {
    return getClob(findColumn(label));
  }

  @Override
  public @Nullable NClob getNClob(String label) throws SQLException {
    return getNClob(findColumn(label));
  }

  @Override
  public @Nullable URL getURL(String label) throws SQLException {
    return getURL(findColumn(label));
  }

  @Override
  public @Nullable Ref getRef(String label) throws SQLException {
    return getRef(findColumn(label));
  }

  @Override
  public @Nullable RowId getRowId(String label) throws SQLException {
    return getRowId(findColumn(label));
  }

  @Override
  public @Nullable SQLXML getSQLXML(String label) throws SQLException {
    return getSQLXML(findColumn(label));
  }

  // ---------------------------------------------------------------- the rest

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    open();
    return new CachedMetaData(columns);
  }

  @Override
  public @Nullable Statement getStatement() throws SQLException {
    open();
    return statement;
  }

  @Override
  public int getType() throws SQLException {
    open();
    return type;
  }

  @Override
  public int getConcurrency() throws SQLException {
    open();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public int getHoldability() throws SQLException {
    open();
    return holdability;
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    open();
    if (direction != ResultSet.FETCH_FORWARD && type == ResultSet.TYPE_FORWARD_ONLY) {
      throw new SQLException("a forward-only result set only fetches forward");
    }
    fetchDirection = direction;
  }

  @Override
  public int getFetchDirection() throws SQLException {
    open();
    return fetchDirection;
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    open();
    if (rows < 0) {
      throw new SQLException("fetch size must be at least 0, was " + rows);
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    open();
    return fetchSize;
  }

  @Override
  public @Nullable SQLWarning getWarnings() throws SQLException {
    open();
    return live != null ? live.getWarnings() : null;
  }

  @Override
  public void clearWarnings() throws SQLException {
    open();
    if (live != null) {
      live.clearWarnings();
    }
  }

  @Override
  public String getCursorName() throws SQLException {
    throw new SQLFeatureNotSupportedException("cached results have no cursor");
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (live != null) {
        live.close();
      }
    } finally {
      if (onClose != null) {
        onClose.run();
      }
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    if (live != null) {
      return live.unwrap(iface);
    }
    throw new SQLException("a cached result set does not wrap a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || (live != null && live.isWrapperFor(iface));
  }

  @Override
  public String toString() {
    return "CachedResultSet[" + columns.size() + " columns, " + rows.size() + " rows]";
  }
}
