package dev.layercache.sql.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import org.jspecify.annotations.Nullable;

/** A read-only {@link SQLXML} over a cached value's text. */
final class TextSqlXml implements SQLXML {
  private final String text;

  TextSqlXml(String text) {
    this.text = text;
  }

  @Override
  public void free() {}

  @Override
  public InputStream getBinaryStream() {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public java.io.OutputStream setBinaryStream() throws SQLException {
    throw new SQLFeatureNotSupportedException("a cached SQLXML is read-only");
  }

  @Override
  public Reader getCharacterStream() {
    return new java.io.StringReader(text);
  }

  @Override
  public java.io.Writer setCharacterStream() throws SQLException {
    throw new SQLFeatureNotSupportedException("a cached SQLXML is read-only");
  }

  @Override
  public String getString() {
    return text;
  }

  @Override
  public void setString(String value) throws SQLException {
    throw new SQLFeatureNotSupportedException("a cached SQLXML is read-only");
  }

  @Override
  public <T extends javax.xml.transform.Source> T getSource(@Nullable Class<T> sourceClass)
      throws SQLException {
    throw new SQLFeatureNotSupportedException("SQLXML sources of a cached value");
  }

  @Override
  public <T extends javax.xml.transform.Result> T setResult(Class<T> resultClass)
      throws SQLException {
    throw new SQLFeatureNotSupportedException("a cached SQLXML is read-only");
  }
}
