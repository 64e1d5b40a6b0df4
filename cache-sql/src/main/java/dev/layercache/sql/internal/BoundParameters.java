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
 * the cache key holds every value with its type. Streams, readers, LOBs and driver objects cannot
 * be part of a key: a statement bound with them is not cached. Not thread-safe.
 */
final class BoundParameters {
  private final Map<Integer, Object[]> byIndex = new TreeMap<>();

  /** Records {@code setter(index, args...)}; args[0] is the index. */
  void record(String setter, Object[] args) {
    Object[] entry = new Object[args.length];
    entry[0] = setter;
    System.arraycopy(args, 1, entry, 1, args.length - 1);
    byIndex.put((Integer) args[0], entry);
  }

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
    } else if (v instanceof String
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof Float
        || v instanceof Double
        || v instanceof BigDecimal
        || v instanceof BigInteger
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
    } else if (v instanceof java.sql.Date) {
      // Drivers send the date as seen in the JVM's zone: its text is what reaches the database.
      key.addEncoded("sql.Date", v.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof java.util.Date) {
      key.addEncoded(
          v.getClass().getName(),
          ByteBuffer.allocate(8).putLong(((java.util.Date) v).getTime()).array());
    } else if (v instanceof Calendar) {
      key.addEncoded(
          "Calendar", ((Calendar) v).getTimeZone().getID().getBytes(StandardCharsets.UTF_8));
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
