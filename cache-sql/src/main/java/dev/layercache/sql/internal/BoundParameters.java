package dev.layercache.sql.internal;

import dev.layercache.CacheKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLType;
import java.time.temporal.TemporalAccessor;
import java.util.Calendar;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The parameters bound to a prepared statement, recorded as the setter called and its arguments, so
 * the cache key holds every value with its exact Java type: {@code setObject(1, 7)} and {@code
 * setObject(1, 7L)} reach the database as {@code integer} and {@code bigint} and may return
 * different types, so they are different keys, and so are {@code 0.0} and {@code -0.0}. Mutable
 * values (arrays, dates, calendars) are copied when bound, so changing them afterwards changes
 * neither the key nor what a later execution sends. Streams, readers, LOBs and driver objects
 * cannot be part of a key: a statement bound with them is not cached. Not thread-safe.
 */
final class BoundParameters {
  private final Map<Integer, Object[]> byIndex = new TreeMap<>();

  /** Records {@code setter(index, args...)}; args[0] is the index. */
  void record(String setter, Object[] args) {
    Object[] entry = new Object[args.length];
    entry[0] = setter;
    for (int i = 1; i < args.length; i++) {
      entry[i] = copyOfMutable(args[i]);
    }
    byIndex.put((Integer) args[0], entry);
  }

  /** A copy of a value the application may change after binding it; other values as they are. */
  private static @Nullable Object copyOfMutable(@Nullable Object v) {
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    if (v instanceof java.util.Date || v instanceof Calendar) {
      // Timestamp, sql.Date and sql.Time are Dates; clone keeps their class and nanos.
      try {
        return v.getClass().getMethod("clone").invoke(v);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return UNCOPYABLE;
      }
    }
    return v;
  }

  /** Stands for a value that could not be copied: such a statement is not cached. */
  private static final Object UNCOPYABLE = new Object();

  void clear() {
    byIndex.clear();
  }

  /** Appends every parameter to a key; false if one cannot be part of a key. */
  boolean appendTo(CacheKey.Builder key) {
    key.add(byIndex.size());
    for (Map.Entry<Integer, Object[]> e : byIndex.entrySet()) {
      Object[] entry = e.getValue();
      key.add(e.getKey());
      key.add((String) entry[0]);
      for (int i = 1; i < entry.length; i++) {
        if (!appendValue(key, entry[i])) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean appendValue(CacheKey.Builder key, @Nullable Object v) {
    if (v == null) {
      key.addNull();
    } else if (v instanceof Integer) {
      key.addEncoded("int", ByteBuffer.allocate(4).putInt((Integer) v).array());
    } else if (v instanceof Long) {
      key.addEncoded("long", ByteBuffer.allocate(8).putLong((Long) v).array());
    } else if (v instanceof Short) {
      key.addEncoded("short", ByteBuffer.allocate(2).putShort((Short) v).array());
    } else if (v instanceof Byte) {
      key.addEncoded("byte", new byte[] {(Byte) v});
    } else if (v instanceof Float) {
      // Raw bits: -0.0 and 0.0 are different values to the database.
      key.addEncoded(
          "float", ByteBuffer.allocate(4).putInt(Float.floatToRawIntBits((Float) v)).array());
    } else if (v instanceof Double) {
      key.addEncoded(
          "double", ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits((Double) v)).array());
    } else if (v instanceof BigInteger) {
      key.addEncoded("BigInteger", ((BigInteger) v).toByteArray());
    } else if (v instanceof BigDecimal) {
      // Unscaled value and scale: 1.0 and 1.00 are sent (and may be returned) differently.
      BigDecimal d = (BigDecimal) v;
      byte[] unscaled = d.unscaledValue().toByteArray();
      key.addEncoded(
          "BigDecimal",
          ByteBuffer.allocate(4 + unscaled.length).putInt(d.scale()).put(unscaled).array());
    } else if (v instanceof String
        || v instanceof Boolean
        || v instanceof Character
        || v instanceof UUID
        || v instanceof byte[]) {
      key.add(v);
    } else if (v instanceof TemporalAccessor && v.getClass().getName().startsWith("java.time.")) {
      key.add(v);
    } else if (v instanceof java.sql.Timestamp) {
      java.sql.Timestamp t = (java.sql.Timestamp) v;
      key.addEncoded(
          "sql.Timestamp",
          ByteBuffer.allocate(12).putLong(t.getTime()).putInt(t.getNanos()).array());
    } else if (v instanceof java.sql.Time) {
      key.addEncoded("sql.Time", v.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof java.sql.Date) {
      // Drivers send the date as seen in the JVM's zone: its text is what reaches the database.
      key.addEncoded("sql.Date", v.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof java.util.Date) {
      key.addEncoded(
          v.getClass().getName(),
          ByteBuffer.allocate(8).putLong(((java.util.Date) v).getTime()).array());
    } else if (v instanceof Calendar) {
      Calendar c = (Calendar) v;
      key.addEncoded(
          "Calendar",
          (c.getClass().getName() + ':' + c.getTimeZone().getID())
              .getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof SQLType) {
      SQLType t = (SQLType) v;
      key.addEncoded(
          "SQLType",
          (t.getVendor() + ':' + t.getName() + ':' + t.getVendorTypeNumber())
              .getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof URL) {
      key.addEncoded("URL", v.toString().getBytes(StandardCharsets.UTF_8));
    } else {
      return false;
    }
    return true;
  }
}
