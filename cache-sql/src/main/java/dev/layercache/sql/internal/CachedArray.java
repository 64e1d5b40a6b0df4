package dev.layercache.sql.internal;

import dev.layercache.sql.internal.CellValues.ArrayValue;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A cached SQL array: its elements rebuilt as the driver's classes, in a typed Java array. */
final class CachedArray extends DetachedArray {
  private final ArrayValue value;

  CachedArray(ArrayValue value) {
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
  public Object getArray() {
    return elements(0, value.elements().length);
  }

  @Override
  public Object getArray(@Nullable Map<String, Class<?>> map) throws SQLException {
    requireNoMap(map);
    return getArray();
  }

  @Override
  public Object getArray(long index, int count) throws SQLException {
    if (index < 1 || count < 0 || index - 1 + count > value.elements().length) {
      throw new SQLException("array slice " + index + "+" + count + " is out of bounds");
    }
    return elements((int) index - 1, count);
  }

  @Override
  public Object getArray(long index, int count, @Nullable Map<String, Class<?>> map)
      throws SQLException {
    requireNoMap(map);
    return getArray(index, count);
  }

  private Object[] elements(int from, int count) {
    Object[] source = value.elements();
    Class<?> type = Object.class;
    for (Object e : source) {
      if (e != null) {
        type = jdbcElement(e).getClass();
        break;
      }
    }
    Object[] out = (Object[]) java.lang.reflect.Array.newInstance(type, count);
    for (int i = 0; i < count; i++) {
      Object e = source[from + i];
      out[i] = e == null ? null : jdbcElement(e);
    }
    return out;
  }

  private static Object jdbcElement(Object e) {
    if (e instanceof LocalDateTime) {
      return Timestamp.valueOf((LocalDateTime) e);
    }
    if (e instanceof LocalDate) {
      return Date.valueOf((LocalDate) e);
    }
    if (e instanceof byte[]) {
      return ((byte[]) e).clone();
    }
    return e;
  }

  private static void requireNoMap(@Nullable Map<String, Class<?>> map)
      throws SQLFeatureNotSupportedException {
    if (map != null && !map.isEmpty()) {
      throw new SQLFeatureNotSupportedException("type maps are not supported by cached arrays");
    }
  }
}
