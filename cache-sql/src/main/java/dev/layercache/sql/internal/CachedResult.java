package dev.layercache.sql.internal;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/**
 * A query result as it is cached: the column metadata and the rows, each cell a canonical typed
 * value (see {@link CellValues}). Encoded by the core's Jackson codec with an explicit type; the
 * cells carry a small type tag of their own, so no class name is ever read from the cache.
 *
 * @param columns the column metadata, in order
 * @param rows the rows; treated as immutable once built
 */
public record CachedResult(
    List<ColumnInfo> columns,
    @JsonSerialize(using = CellValues.RowsSerializer.class)
        @JsonDeserialize(using = CellValues.RowsDeserializer.class)
        List<Object[]> rows) {

  /**
   * Creates a result.
   *
   * @param columns the column metadata
   * @param rows the rows
   */
  public CachedResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /**
   * What a {@link java.sql.ResultSetMetaData} says about one column, captured when the result was
   * read.
   *
   * @param name the column name
   * @param label the column label
   * @param sqlType the {@link java.sql.Types} code
   * @param typeName the database type name
   * @param className the class the driver's {@code getObject} returns
   * @param precision the precision
   * @param scale the scale
   * @param nullable a {@code ResultSetMetaData.column*Null*} constant
   * @param displaySize the display size
   * @param signed whether the column is signed
   * @param autoIncrement whether it is auto-incremented
   * @param caseSensitive whether it is case-sensitive
   * @param currency whether it is a currency
   * @param searchable whether it can appear in a WHERE clause
   * @param tableName the table name, or empty
   * @param schemaName the schema name, or empty
   * @param catalogName the catalog name, or empty
   */
  // An array of values rather than an object of named fields: a miss encodes every column's 17
  // properties, and names would more than double the work and the bytes.
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "name",
    "label",
    "sqlType",
    "typeName",
    "className",
    "precision",
    "scale",
    "nullable",
    "displaySize",
    "signed",
    "autoIncrement",
    "caseSensitive",
    "currency",
    "searchable",
    "tableName",
    "schemaName",
    "catalogName"
  })
  public record ColumnInfo(
      String name,
      String label,
      int sqlType,
      String typeName,
      String className,
      int precision,
      int scale,
      int nullable,
      int displaySize,
      boolean signed,
      boolean autoIncrement,
      boolean caseSensitive,
      boolean currency,
      boolean searchable,
      String tableName,
      String schemaName,
      String catalogName) {}
}
