package dev.layercache.sql.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The canonical cell values of a {@link CachedResult} and their JSON form.
 *
 * <p>A cell is null or one of: {@link String}, {@link Boolean}, {@link Byte}, {@link Short}, {@link
 * Integer}, {@link Long}, {@link Float}, {@link Double}, {@link BigDecimal}, {@link BigInteger},
 * {@code byte[]}, {@link UUID}, {@link LocalDate}, {@link LocalTime}, {@link LocalDateTime}, {@link
 * OffsetTime}, {@link OffsetDateTime}, {@link ArrayValue}, or a {@link Texted} wrapping one of
 * these with the driver's own {@code getString} text where it differs from ours.
 *
 * <p>JSON: null, a string for a {@code String}, otherwise {@code [tag, value]} or {@code [tag,
 * value, text]}; numbers that JSON cannot hold exactly are written as strings.
 */
final class CellValues {
  private CellValues() {}

  /** A value whose driver text ({@code getString}) differs from the default rendering. */
  record Texted(Object value, String text) {}

  /** An SQL array: its element type and canonical elements. */
  record ArrayValue(String baseTypeName, int baseType, @Nullable Object[] elements) {}

  /** The value of a cell without its text. */
  static @Nullable Object value(@Nullable Object cell) {
    return cell instanceof Texted ? ((Texted) cell).value() : cell;
  }

  /** Roughly how many bytes a row takes, for the policy's byte limit. */
  static long estimate(@Nullable Object[] row) {
    long size = 16;
    for (Object cell : row) {
      size += estimateCell(cell);
    }
    return size;
  }

  private static long estimateCell(@Nullable Object cell) {
    if (cell == null) {
      return 4;
    }
    if (cell instanceof Texted) {
      Texted t = (Texted) cell;
      return estimateCell(t.value()) + t.text().length() + 4;
    }
    if (cell instanceof String) {
      return ((String) cell).length() + 4;
    }
    if (cell instanceof byte[]) {
      return ((byte[]) cell).length * 4L / 3 + 8;
    }
    if (cell instanceof BigDecimal || cell instanceof BigInteger) {
      return cell.toString().length() + 8;
    }
    if (cell instanceof ArrayValue) {
      long size = 16;
      for (Object e : ((ArrayValue) cell).elements()) {
        size += estimateCell(e);
      }
      return size;
    }
    return 24;
  }

  // ---------------------------------------------------------------- JSON

  /** Writes rows of cells. */
  static final class RowsSerializer extends JsonSerializer<List<Object[]>> {
    @Override
    public void serialize(List<Object[]> rows, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray();
      for (Object[] row : rows) {
        gen.writeStartArray();
        for (Object cell : row) {
          writeCell(gen, cell);
        }
        gen.writeEndArray();
      }
      gen.writeEndArray();
    }
  }

  /** Reads rows of cells, rejecting anything it did not write. */
  static final class RowsDeserializer extends JsonDeserializer<List<Object[]>> {
    @Override
    public List<Object[]> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      expect(p, p.currentToken(), JsonToken.START_ARRAY);
      List<Object[]> rows = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        expect(p, p.currentToken(), JsonToken.START_ARRAY);
        List<Object> row = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          row.add(readCell(p));
        }
        rows.add(row.toArray());
      }
      return rows;
    }
  }

  private static void writeCell(JsonGenerator gen, @Nullable Object cell) throws IOException {
    if (cell == null) {
      gen.writeNull();
      return;
    }
    if (cell instanceof String) {
      gen.writeString((String) cell);
      return;
    }
    Object value = cell;
    String text = null;
    if (cell instanceof Texted) {
      value = ((Texted) cell).value();
      text = ((Texted) cell).text();
    }
    gen.writeStartArray();
    if (value instanceof String) {
      gen.writeString("s");
      gen.writeString((String) value);
    } else if (value instanceof Boolean) {
      gen.writeString("b");
      gen.writeBoolean((Boolean) value);
    } else if (value instanceof Integer) {
      gen.writeString("i");
      gen.writeNumber((Integer) value);
    } else if (value instanceof Long) {
      gen.writeString("l");
      gen.writeNumber((Long) value);
    } else if (value instanceof Short) {
      gen.writeString("h");
      gen.writeNumber((Short) value);
    } else if (value instanceof Byte) {
      gen.writeString("y");
      gen.writeNumber((Byte) value);
    } else if (value instanceof Float) {
      gen.writeString("f");
      gen.writeString(value.toString());
    } else if (value instanceof Double) {
      gen.writeString("d");
      gen.writeString(value.toString());
    } else if (value instanceof BigDecimal) {
      gen.writeString("n");
      gen.writeString(value.toString());
    } else if (value instanceof BigInteger) {
      gen.writeString("g");
      gen.writeString(value.toString());
    } else if (value instanceof byte[]) {
      gen.writeString("x");
      gen.writeString(Base64.getEncoder().encodeToString((byte[]) value));
    } else if (value instanceof UUID) {
      gen.writeString("u");
      gen.writeString(value.toString());
    } else if (value instanceof LocalDate) {
      gen.writeString("D");
      gen.writeString(value.toString());
    } else if (value instanceof LocalTime) {
      gen.writeString("T");
      gen.writeString(value.toString());
    } else if (value instanceof LocalDateTime) {
      gen.writeString("P");
      gen.writeString(value.toString());
    } else if (value instanceof OffsetTime) {
      gen.writeString("O");
      gen.writeString(value.toString());
    } else if (value instanceof OffsetDateTime) {
      gen.writeString("Z");
      gen.writeString(value.toString());
    } else if (value instanceof ArrayValue) {
      ArrayValue a = (ArrayValue) value;
      gen.writeString("a");
      gen.writeStartArray();
      gen.writeString(a.baseTypeName());
      gen.writeNumber(a.baseType());
      for (Object e : a.elements()) {
        writeCell(gen, e);
      }
      gen.writeEndArray();
    } else {
      throw new IllegalStateException("not a canonical cell: " + value.getClass().getName());
    }
    if (text != null) {
      gen.writeString(text);
    }
    gen.writeEndArray();
  }

  private static @Nullable Object readCell(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    expect(p, t, JsonToken.START_ARRAY);
    p.nextToken();
    String tag = p.getText();
    p.nextToken();
    Object value;
    switch (tag) {
      case "s":
        value = p.getText();
        break;
      case "b":
        value = p.getBooleanValue();
        break;
      case "i":
        value = p.getIntValue();
        break;
      case "l":
        value = p.getLongValue();
        break;
      case "h":
        value = p.getShortValue();
        break;
      case "y":
        value = p.getByteValue();
        break;
      case "f":
        value = Float.valueOf(p.getText());
        break;
      case "d":
        value = Double.valueOf(p.getText());
        break;
      case "n":
        value = new BigDecimal(p.getText());
        break;
      case "g":
        value = new BigInteger(p.getText());
        break;
      case "x":
        value = Base64.getDecoder().decode(p.getText());
        break;
      case "u":
        value = UUID.fromString(p.getText());
        break;
      case "D":
        value = LocalDate.parse(p.getText());
        break;
      case "T":
        value = LocalTime.parse(p.getText());
        break;
      case "P":
        value = LocalDateTime.parse(p.getText());
        break;
      case "O":
        value = OffsetTime.parse(p.getText());
        break;
      case "Z":
        value = OffsetDateTime.parse(p.getText());
        break;
      case "a":
        value = readArray(p);
        break;
      default:
        throw new IOException("unknown cell tag '" + tag + "'");
    }
    Object cell = value;
    if (p.nextToken() != JsonToken.END_ARRAY) {
      cell = new Texted(value, p.getText());
      p.nextToken();
    }
    expect(p, p.currentToken(), JsonToken.END_ARRAY);
    return cell;
  }

  private static ArrayValue readArray(JsonParser p) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_ARRAY);
    p.nextToken();
    String baseTypeName = p.getText();
    p.nextToken();
    int baseType = p.getIntValue();
    List<Object> elements = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      elements.add(readCell(p));
    }
    return new ArrayValue(baseTypeName, baseType, elements.toArray());
  }

  private static void expect(JsonParser p, @Nullable JsonToken actual, JsonToken expected)
      throws IOException {
    if (actual != expected) {
      throw new IOException(
          "expected " + expected + " but found " + actual + " at " + p.currentLocation());
    }
  }
}
