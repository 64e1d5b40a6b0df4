package dev.layercache.sql.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoEra;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.SimpleTimeZone;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL driver's reading of date and time text (its text protocol), as its result sets
 * apply it to any column: the same lenient parse, the same calendar arithmetic (the Julian calendar
 * before 1582, as {@link GregorianCalendar} has it) and the same failures, an {@link SQLException}
 * with SQLState 22007 for text it rejects and an unchecked exception where its parse runs off the
 * end of the text.
 */
final class PostgresTimestamps {
  /** The instants the driver uses for 'infinity' and '-infinity'. */
  static final long POSITIVE_INFINITY = 9223372036825200000L;

  static final long NEGATIVE_INFINITY = -9223372036832400000L;

  private static final byte[] INFINITY = "infinity".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MINUS_INFINITY = "-infinity".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END_OF_DAY = "24:00:00".getBytes(StandardCharsets.US_ASCII);
  private static final long DAY_MILLIS = 86_400_000L;

  private PostgresTimestamps() {}

  /** The fields of a parsed text; each is optional. */
  private static final class Parsed {
    boolean hasDate;
    int era = GregorianCalendar.AD;
    int year = 1970;
    int month = 1;
    int day = 1;
    boolean hasTime;
    int hour;
    int minute;
    int second;
    int nanos;
    boolean hasOffset;
    ZoneOffset offset = ZoneOffset.UTC;
  }

  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  static Timestamp toTimestamp(@Nullable Calendar cal, String text) throws SQLException {
    byte[] s = bytes(text);
    if (s.length == 0) {
      throw badValue(text);
    }
    if (s[0] == 'i' && Arrays.equals(s, INFINITY)) {
      return new Timestamp(POSITIVE_INFINITY);
    }
    if (s[0] == '-' && Arrays.equals(s, MINUS_INFINITY)) {
      return new Timestamp(NEGATIVE_INFINITY);
    }
    Parsed p = parse(s);
    Calendar c = p.hasOffset ? calendar(p.offset) : calendar(cal);
    set(c, p.era, p.year, p.month, p.day);
    setTime(c, p);
    Timestamp t = new Timestamp(c.getTimeInMillis());
    t.setNanos(p.nanos);
    return t;
  }

  static Time toTime(@Nullable Calendar cal, String text) throws SQLException {
    Parsed p = parse(bytes(text));
    Calendar c = p.hasOffset ? calendar(p.offset) : calendar(cal);
    if (p.hasOffset) {
      set(c, GregorianCalendar.AD, 1970, 1, 1);
    } else {
      // The whole timestamp first: which local times exist depends on the date.
      set(c, p.era, p.year, p.month, p.day);
    }
    setTime(c, p);
    long millis = c.getTimeInMillis() + p.nanos / 1_000_000;
    if (p.hasOffset || (p.year == 1970 && p.era == GregorianCalendar.AD)) {
      return new Time(millis);
    }
    return timeOfDay(millis, c.getTimeZone());
  }

  static Date toDate(Calendar cal, String text) throws SQLException {
    byte[] s = bytes(text);
    if (s.length == 0) {
      throw badValue(text);
    }
    if (s[0] == 'i' && Arrays.equals(s, INFINITY)) {
      return new Date(POSITIVE_INFINITY);
    }
    if (s[0] == '-' && Arrays.equals(s, MINUS_INFINITY)) {
      return new Date(NEGATIVE_INFINITY);
    }
    if (s.length > 13) {
      Parsed p = parse(s);
      Calendar c = p.hasOffset ? calendar(p.offset) : calendar(cal);
      set(c, p.era, p.year, p.month, p.day);
      setTime(c, p);
      return startOfDay(c.getTimeInMillis(), cal.getTimeZone());
    }
    Parsed p = parseDate(s);
    Calendar c = new GregorianCalendar(cal.getTimeZone());
    c.clear();
    c.set(Calendar.YEAR, p.year);
    c.set(Calendar.DAY_OF_MONTH, p.day);
    c.set(Calendar.MONTH, p.month - 1);
    c.set(Calendar.ERA, p.era);
    return new Date(c.getTimeInMillis());
  }

  static LocalDateTime toLocalDateTime(String text) throws SQLException {
    byte[] s = bytes(text);
    if (s.length == 0) {
      throw badValue(text);
    }
    if (s[0] == 'i' && Arrays.equals(s, INFINITY)) {
      return LocalDateTime.MAX;
    }
    if (s[0] == '-' && Arrays.equals(s, MINUS_INFINITY)) {
      return LocalDateTime.MIN;
    }
    Parsed p = parse(s);
    LocalDateTime t = LocalDateTime.of(p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanos);
    return p.era == GregorianCalendar.BC ? t.with(ChronoField.ERA, IsoEra.BCE.getValue()) : t;
  }

  static LocalDate toLocalDate(String text) throws SQLException {
    byte[] s = bytes(text);
    if (s.length == 0) {
      throw badValue(text);
    }
    if (s[0] == 'i' && Arrays.equals(s, INFINITY)) {
      return LocalDate.MAX;
    }
    if (s[0] == '-' && Arrays.equals(s, MINUS_INFINITY)) {
      return LocalDate.MIN;
    }
    Parsed p = parseDate(s);
    LocalDate d = LocalDate.of(p.year, p.month, p.day);
    return p.era == GregorianCalendar.BC ? d.with(ChronoField.ERA, IsoEra.BCE.getValue()) : d;
  }

  static LocalTime toLocalTime(String text) throws SQLException {
    if (text.equals("24:00:00")) {
      return LocalTime.MAX;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw badValue(text);
    }
  }

  static OffsetDateTime toOffsetDateTime(String text) throws SQLException {
    byte[] s = bytes(text);
    if (s.length == 0) {
      throw badValue(text);
    }
    if (s[0] == 'i' && Arrays.equals(s, INFINITY)) {
      return OffsetDateTime.MAX;
    }
    if (s[0] == '-' && Arrays.equals(s, MINUS_INFINITY)) {
      return OffsetDateTime.MIN;
    }
    Parsed p = parse(s);
    OffsetDateTime t =
        OffsetDateTime.of(p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanos, p.offset);
    return p.era == GregorianCalendar.BC ? t.with(ChronoField.ERA, IsoEra.BCE.getValue()) : t;
  }

  static OffsetTime toOffsetTime(String text) throws SQLException {
    byte[] s = bytes(text);
    for (int i = 0; i < END_OF_DAY.length; i++) {
      if (s[i] != END_OF_DAY[i]) {
        break;
      }
      if (i == END_OF_DAY.length - 1) {
        return OffsetTime.MAX;
      }
    }
    Parsed p = parse(s);
    return OffsetTime.of(p.hour, p.minute, p.second, p.nanos, p.offset);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static SQLException badValue(String text) {
    return new SQLException("Bad value for type timestamp/date/time: " + text, "22007");
  }

  // A calendar in the value's own offset, named as the driver names it.
  private static Calendar calendar(ZoneOffset offset) {
    String id = offset.getTotalSeconds() == 0 ? "UTC" : "GMT" + offset.getId();
    return new GregorianCalendar(new SimpleTimeZone(offset.getTotalSeconds() * 1000, id));
  }

  private static Calendar calendar(@Nullable Calendar cal) {
    Calendar c = new GregorianCalendar();
    c.setTimeZone(cal == null ? TimeZone.getDefault() : cal.getTimeZone());
    return c;
  }

  private static void set(Calendar c, int era, int year, int month, int day) {
    c.set(Calendar.ERA, era);
    c.set(Calendar.YEAR, year);
    c.set(Calendar.MONTH, month - 1);
    c.set(Calendar.DAY_OF_MONTH, day);
  }

  private static void setTime(Calendar c, Parsed p) {
    c.set(Calendar.HOUR_OF_DAY, p.hour);
    c.set(Calendar.MINUTE, p.minute);
    c.set(Calendar.SECOND, p.second);
    c.set(Calendar.MILLISECOND, 0);
  }

  /** The same instant's midnight in a zone; the infinities stay as they are. */
  static Date startOfDay(long millis, TimeZone tz) {
    if (millis <= NEGATIVE_INFINITY || millis >= POSITIVE_INFINITY) {
      return new Date(millis);
    }
    Calendar c = new GregorianCalendar(tz);
    c.setTimeInMillis(millis);
    c.set(Calendar.HOUR_OF_DAY, 0);
    c.set(Calendar.MINUTE, 0);
    c.set(Calendar.SECOND, 0);
    c.set(Calendar.MILLISECOND, 0);
    return new Date(c.getTimeInMillis());
  }

  /** The same instant's time of day on 1970-01-01 in a zone. */
  static Time timeOfDay(long millis, TimeZone tz) {
    String id = tz.getID();
    if (id.startsWith("GMT") || id.startsWith("UTC")) {
      int offset = tz.getRawOffset();
      return new Time(Math.floorMod(millis + offset, DAY_MILLIS) - offset);
    }
    Calendar c = new GregorianCalendar(tz);
    c.setTimeInMillis(millis);
    c.set(Calendar.ERA, GregorianCalendar.AD);
    c.set(Calendar.YEAR, 1970);
    c.set(Calendar.MONTH, 0);
    c.set(Calendar.DAY_OF_MONTH, 1);
    return new Time(c.getTimeInMillis());
  }

  /**
   * A date of at most 13 characters, read as the driver reads it: digits up to each dash, with no
   * check of what they are, and "BC" at the end.
   */
  private static Parsed parseDate(byte[] s) {
    Parsed p = new Parsed();
    int length = s.length;
    if (s[length - 2] == 'B' && s[length - 1] == 'C') {
      length -= 3;
      p.era = GregorianCalendar.BC;
    }
    int i = 0;
    p.year = 0;
    while (s[i] != '-') {
      p.year = p.year * 10 + (s[i++] - '0');
    }
    i++;
    p.month = 0;
    while (s[i] != '-') {
      p.month = p.month * 10 + (s[i++] - '0');
    }
    i++;
    p.day = 0;
    while (i < length) {
      p.day = p.day * 10 + (s[i++] - '0');
    }
    return p;
  }

  /**
   * Date, time, offset and era, each optional and in that order: {@code yyyy-mm-dd hh:mm:ss.f
   * +hh:mm:ss AD}.
   */
  private static Parsed parse(byte[] s) throws SQLException {
    int n = s.length;
    Parsed p = new Parsed();
    try {
      int start = skipWhitespace(s, 0);
      int end = firstNonDigit(s, start);
      if (end < n && s[end] == '-') {
        p.hasDate = true;
        p.year = number(s, start, end);
        start = end + 1;
        end = firstNonDigit(s, start);
        p.month = number(s, start, end);
        if (end < n && s[end] != '-') {
          throw new Malformed();
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        p.day = number(s, start, end);
        start = skipWhitespace(s, end);
      }
      if (start < n && Character.isDigit(s[start])) {
        p.hasTime = true;
        end = firstNonDigit(s, start);
        p.hour = number(s, start, end);
        if (end < n && s[end] != ':') {
          throw new Malformed();
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        p.minute = number(s, start, end);
        if (end < n && s[end] != ':') {
          throw new Malformed();
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        p.second = number(s, start, end);
        start = end;
        if (start < n && s[start] == '.') {
          end = firstNonDigit(s, start + 1);
          int fraction = number(s, start + 1, end);
          for (int digits = end - (start + 1); digits < 9; digits++) {
            fraction *= 10;
          }
          p.nanos = fraction;
          start = end;
        }
        start = skipWhitespace(s, start);
      }
      byte sign = start < n ? s[start] : 0;
      if (sign == '-' || sign == '+') {
        p.hasOffset = true;
        int signum = sign == '-' ? -1 : 1;
        end = firstNonDigit(s, start + 1);
        int hours = number(s, start + 1, end);
        start = end;
        int minutes = 0;
        if (start < n && s[start] == ':') {
          end = firstNonDigit(s, start + 1);
          minutes = number(s, start + 1, end);
          start = end;
        }
        int seconds = 0;
        if (start < n && s[start] == ':') {
          end = firstNonDigit(s, start + 1);
          seconds = number(s, start + 1, end);
          start = end;
        }
        p.offset =
            ZoneOffset.ofHoursMinutesSeconds(signum * hours, signum * minutes, signum * seconds);
        start = skipWhitespace(s, start);
      }
      if (p.hasDate && start < n && n - start >= 2) {
        if (s[start] == 'A' && s[start + 1] == 'D') {
          start += 2;
        } else if (s[start] == 'B' && s[start + 1] == 'C') {
          p.era = GregorianCalendar.BC;
          start += 2;
        }
      }
      if (start < n || (!p.hasTime && !p.hasDate)) {
        throw new Malformed();
      }
    } catch (Malformed e) {
      throw badValue(new String(s, StandardCharsets.UTF_8));
    }
    return p;
  }

  private static int skipWhitespace(byte[] s, int start) {
    for (int i = start; i < s.length; i++) {
      if (!Character.isWhitespace(s[i])) {
        return i;
      }
    }
    return s.length;
  }

  private static int firstNonDigit(byte[] s, int start) {
    for (int i = start; i < s.length; i++) {
      if (!Character.isDigit(s[i])) {
        return i;
      }
    }
    return s.length;
  }

  private static int number(byte[] s, int start, int end) throws Malformed {
    if (start >= end) {
      throw new Malformed();
    }
    int n = 0;
    for (int i = start; i < end; i++) {
      n = 10 * n + (s[i] - '0');
    }
    return n;
  }
}
