package dev.layercache.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Struct;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Every cell getter of {@link ResultSet}, by index and by label, generated from the interface
 * itself; and the outcome of one call as a comparable description.
 */
final class ResultSetGetters {
  private ResultSetGetters() {}

  /** The classes JDBC 4.2 names for {@code getObject(column, type)}, and a few more. */
  static final List<Class<?>> OBJECT_CLASSES =
      List.of(
          String.class,
          Integer.class,
          Long.class,
          Short.class,
          Byte.class,
          Boolean.class,
          Double.class,
          Float.class,
          BigDecimal.class,
          BigInteger.class,
          byte[].class,
          java.sql.Date.class,
          java.sql.Time.class,
          java.sql.Timestamp.class,
          LocalDate.class,
          LocalTime.class,
          LocalDateTime.class,
          OffsetDateTime.class,
          OffsetTime.class,
          ZonedDateTime.class,
          Instant.class,
          UUID.class,
          Array.class,
          Clob.class,
          NClob.class,
          Blob.class,
          SQLXML.class,
          URL.class,
          Object.class);

  /** A zone other than the JVM's, with summer time, for the getters that take a calendar. */
  static final String CALENDAR_ZONE = "Europe/Berlin";

  // Getters that read no cell.
  private static final Set<String> NOT_CELL_GETTERS =
      Set.of(
          "getMetaData",
          "getStatement",
          "getFetchSize",
          "getFetchDirection",
          "getRow",
          "getType",
          "getConcurrency",
          "getHoldability",
          "getWarnings",
          "getCursorName");

  /** One getter call: a method of {@link ResultSet} and the arguments after the column. */
  record Getter(String name, Method method, boolean byLabel, Object[] extra) {
    Object call(ResultSet rs, int column, String label) throws Exception {
      Object[] args = new Object[extra.length + 1];
      args[0] = byLabel ? label : column;
      System.arraycopy(extra, 0, args, 1, extra.length);
      try {
        return method.invoke(rs, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
          throw (Exception) cause;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /** Every cell getter, each parameter kind expanded (every class, a calendar, a scale). */
  static List<Getter> all() {
    List<Method> methods = new ArrayList<>();
    for (Method m : ResultSet.class.getMethods()) {
      Class<?>[] p = m.getParameterTypes();
      if (m.getName().startsWith("get")
          && !Modifier.isStatic(m.getModifiers())
          && !NOT_CELL_GETTERS.contains(m.getName())
          && p.length >= 1
          && (p[0] == int.class || p[0] == String.class)) {
        methods.add(m);
      }
    }
    methods.sort(Comparator.comparing(ResultSetGetters::signature));
    List<Getter> getters = new ArrayList<>();
    for (Method m : methods) {
      boolean byLabel = m.getParameterTypes()[0] == String.class;
      Class<?>[] rest = Arrays.copyOfRange(m.getParameterTypes(), 1, m.getParameterCount());
      String name = m.getName() + (byLabel ? "(label" : "(index");
      if (rest.length == 0) {
        getters.add(new Getter(name + ")", m, byLabel, new Object[0]));
      } else if (rest.length == 1 && rest[0] == Class.class) {
        for (Class<?> c : OBJECT_CLASSES) {
          getters.add(
              new Getter(name + ", " + c.getSimpleName() + ")", m, byLabel, new Object[] {c}));
        }
      } else if (rest.length == 1 && rest[0] == Calendar.class) {
        Calendar cal = Calendar.getInstance(TimeZone.getTimeZone(CALENDAR_ZONE));
        getters.add(new Getter(name + ", " + CALENDAR_ZONE + ")", m, byLabel, new Object[] {cal}));
      } else if (rest.length == 1 && rest[0] == int.class) {
        getters.add(new Getter(name + ", scale 2)", m, byLabel, new Object[] {2}));
      } else if (rest.length == 1 && rest[0] == Map.class) {
        getters.add(new Getter(name + ", empty map)", m, byLabel, new Object[] {Map.of()}));
      } else {
        throw new AssertionError("a getter the matrix does not know how to call: " + m);
      }
    }
    return getters;
  }

  private static String signature(Method m) {
    return m.getName() + Arrays.toString(m.getParameterTypes());
  }

  /**
   * The outcome of a call, as text: the class and value of what it returned (streams, large objects
   * and arrays read fully, since their classes are the driver's own), or the exception's family and
   * SQLState; then {@code wasNull}.
   */
  static Outcome outcome(Getter g, ResultSet rs, int column, String label) {
    String value;
    Throwable thrown = null;
    try {
      value = describe(g.call(rs, column, label));
    } catch (Exception e) {
      thrown = e;
      value = null;
    }
    String wasNull;
    try {
      wasNull = String.valueOf(rs.wasNull());
    } catch (SQLException e) {
      wasNull = "throws";
    }
    return new Outcome(value, thrown, wasNull);
  }

  /** What a getter did: a described value or an exception, and what wasNull said after it. */
  record Outcome(String value, Throwable thrown, String wasNull) {
    boolean threw() {
      return thrown != null;
    }

    String family() {
      return thrown instanceof SQLException ? "SQLException" : "RuntimeException";
    }

    String sqlState() {
      return thrown instanceof SQLException ? ((SQLException) thrown).getSQLState() : null;
    }

    /**
     * Whether {@code actual} is what this, the driver's outcome, says. Where the driver fails with
     * an unchecked exception (its own defect on a malformed value, such as an index out of bounds
     * while parsing a date from text), the cache may answer with an {@link SQLException} instead:
     * either way the caller gets no value.
     */
    boolean matchedBy(Outcome actual) {
      if (threw() != actual.threw()) {
        return false;
      }
      if (threw() && !(thrown instanceof SQLException)) {
        return true;
      }
      if (threw()) {
        return family().equals(actual.family())
            && (sqlState() == null || sqlState().equals(actual.sqlState()));
      }
      return value.equals(actual.value()) && wasNull.equals(actual.wasNull());
    }

    @Override
    public String toString() {
      if (threw()) {
        return family() + "[" + sqlState() + "] " + thrown;
      }
      return value + " wasNull=" + wasNull;
    }
  }

  static String describe(Object v) throws SQLException, IOException {
    if (v == null) {
      return "null";
    }
    if (v instanceof byte[]) {
      return "byte[] " + HexFormat.of().formatHex((byte[]) v);
    }
    if (v instanceof InputStream) {
      try (InputStream in = (InputStream) v) {
        return "InputStream " + HexFormat.of().formatHex(in.readAllBytes());
      }
    }
    if (v instanceof Reader) {
      StringBuilder b = new StringBuilder("Reader ");
      try (Reader r = (Reader) v) {
        char[] buf = new char[256];
        for (int n; (n = r.read(buf)) > 0; ) {
          b.append(buf, 0, n);
        }
      }
      return b.toString();
    }
    if (v instanceof NClob) {
      NClob c = (NClob) v;
      return "NClob " + c.getSubString(1, (int) c.length());
    }
    if (v instanceof Clob) {
      Clob c = (Clob) v;
      return "Clob " + c.getSubString(1, (int) c.length());
    }
    if (v instanceof Blob) {
      Blob b = (Blob) v;
      return "Blob " + HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
    }
    if (v instanceof SQLXML) {
      return "SQLXML " + ((SQLXML) v).getString();
    }
    if (v instanceof Array) {
      Array a = (Array) v;
      return "Array<" + a.getBaseTypeName() + " " + a.getBaseType() + "> " + describe(a.getArray());
    }
    if (v instanceof Struct) {
      Struct s = (Struct) v;
      return "Struct<" + s.getSQLTypeName() + "> " + describe(s.getAttributes());
    }
    if (v instanceof ResultSet) {
      return "ResultSet";
    }
    if (v instanceof Object[]) {
      Object[] a = (Object[]) v;
      List<String> parts = new ArrayList<>();
      for (Object e : a) {
        parts.add(describe(e));
      }
      return a.getClass().getComponentType().getName() + "[] " + parts;
    }
    if (v.getClass().isArray()) {
      return v.getClass().getComponentType().getName() + "[] " + arrayText(v);
    }
    if (v instanceof java.util.Date) {
      // Date, Time and Timestamp: the instant as well as the text.
      return v.getClass().getName() + " " + v + " @" + ((java.util.Date) v).getTime();
    }
    return v.getClass().getName() + " " + v;
  }

  private static String arrayText(Object array) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < java.lang.reflect.Array.getLength(array); i++) {
      b.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(array, i));
    }
    return b.append(']').toString();
  }
}
