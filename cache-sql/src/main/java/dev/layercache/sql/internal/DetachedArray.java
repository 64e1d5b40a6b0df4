package dev.layercache.sql.internal;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Array} held in memory, detached from any connection: what a cached result returns from
 * {@code getArray}. Its elements are the subclass's; an array result set is not offered, and {@code
 * free} has nothing to release.
 */
abstract class DetachedArray implements Array {
  @Override
  public ResultSet getResultSet() throws SQLException {
    throw new SQLFeatureNotSupportedException("Array.getResultSet on a cached array");
  }

  @Override
  public ResultSet getResultSet(@Nullable Map<String, Class<?>> map) throws SQLException {
    throw new SQLFeatureNotSupportedException("Array.getResultSet on a cached array");
  }

  @Override
  public ResultSet getResultSet(long index, int count) throws SQLException {
    throw new SQLFeatureNotSupportedException("Array.getResultSet on a cached array");
  }

  @Override
  public ResultSet getResultSet(long index, int count, @Nullable Map<String, Class<?>> map)
      throws SQLException {
    throw new SQLFeatureNotSupportedException("Array.getResultSet on a cached array");
  }

  @Override
  public void free() {}
}
