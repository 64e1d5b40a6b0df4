package dev.layercache.sql.internal;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;

/**
 * The update half of {@link ResultSet}, refused: cached results are read-only ({@code
 * CONCUR_READ_ONLY}), and updatable queries are never cached.
 */
abstract class ReadOnlyResultSet implements ResultSet {
  private static SQLException readOnly() {
    return new SQLFeatureNotSupportedException("a cached result set is read-only");
  }

  @Override
  public final boolean rowUpdated() {
    return false;
  }

  @Override
  public final boolean rowInserted() {
    return false;
  }

  @Override
  public final boolean rowDeleted() {
    return false;
  }

  @Override
  public final void updateRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void refreshRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNull(int column) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBoolean(int column, boolean b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateByte(int column, byte b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateShort(int column, short b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateInt(int column, int b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateLong(int column, long b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateFloat(int column, float b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDouble(int column, double b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBigDecimal(int column, BigDecimal b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateString(int column, String b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBytes(int column, byte[] b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDate(int column, Date b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTime(int column, Time b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTimestamp(int column, Timestamp b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int column, InputStream b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int column, InputStream b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int column, Reader b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int column, Object b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int column, Object b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNull(String column) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBoolean(String column, boolean b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateByte(String column, byte b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateShort(String column, short b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateInt(String column, int b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateLong(String column, long b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateFloat(String column, float b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDouble(String column, double b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBigDecimal(String column, BigDecimal b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateString(String column, String b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBytes(String column, byte[] b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateDate(String column, Date b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTime(String column, Time b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateTimestamp(String column, Timestamp b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String column, InputStream b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String column, InputStream b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String column, Reader b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String column, Object b, int c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String column, Object b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void insertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void deleteRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void cancelRowUpdates() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void moveToInsertRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void moveToCurrentRow() throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRef(int column, Ref b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRef(String column, Ref b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int column, Blob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String column, Blob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int column, Clob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String column, Clob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateArray(int column, Array b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateArray(String column, Array b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRowId(int column, RowId b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateRowId(String column, RowId b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNString(int column, String b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNString(String column, String b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int column, NClob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String column, NClob b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateSQLXML(int column, SQLXML b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateSQLXML(String column, SQLXML b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(int column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(String column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String column, InputStream b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String column, Reader b, long c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(int column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNCharacterStream(String column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(int column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(int column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(int column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateAsciiStream(String column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBinaryStream(String column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateCharacterStream(String column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(int column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateBlob(String column, InputStream b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(int column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateClob(String column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(int column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateNClob(String column, Reader b) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int column, Object b, SQLType c, int d) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String column, Object b, SQLType c, int d) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(int column, Object b, SQLType c) throws SQLException {
    throw readOnly();
  }

  @Override
  public final void updateObject(String column, Object b, SQLType c) throws SQLException {
    throw readOnly();
  }
}
