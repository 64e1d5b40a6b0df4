package dev.layercache.sql.internal;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.jspecify.annotations.Nullable;

/**
 * H2's reading of date and time text, as its conversions of character values apply it: the formats
 * it accepts ({@code [+-]y-m-d} or {@code yyyyMMdd}; {@code h:m[:s[.f]]}, {@code hhmm[ss[.f]]} or
 * {@code h.m.s[.f]}; a space or {@code T} between them; an offset or zone after), and its failure,
 * an {@link SQLException} with SQLState 22007, for any other text.
 */
final class H2Temporals {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;

  private H2Temporals() {}

  /** A parse failure of any kind: the driver reports all of them alike. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  private static SQLException invalid(String type, String s) {
    return new SQLException("Cannot parse \"" + type + "\" constant \"" + s + "\"", "22007");
  }

  static LocalDate parseDate(String s) throws SQLException {
    try {
      return date(s, 0, s.length());
    } catch (RuntimeException e) {
      throw invalid("DATE", s);
    }
  }

  static LocalTime parseTime(String s, ZoneId session) throws SQLException {
    try {
      Zoned t = time(s);
      long nanos = t.nanos;
      if (t.zone != null) {
        nanos =
            Math.floorMod(
                nanos
                    + (currentOffset(session) - fixedOffset(t.zone).getTotalSeconds())
                        * NANOS_PER_SECOND,
                NANOS_PER_DAY);
      }
      return LocalTime.ofNanoOfDay(nanos);
    } catch (RuntimeException e) {
      throw invalid("TIME", s);
    }
  }

  static OffsetTime parseTimeWithZone(String s, ZoneId session) throws SQLException {
    try {
      Zoned t = time(s);
      ZoneOffset offset =
          t.zone != null ? fixedOffset(t.zone) : ZoneOffset.ofTotalSeconds(currentOffset(session));
      return OffsetTime.of(LocalTime.ofNanoOfDay(t.nanos), offset);
    } catch (RuntimeException e) {
      throw invalid("TIME WITH TIME ZONE", s);
    }
  }

  static LocalDateTime parseTimestamp(String s, ZoneId session) throws SQLException {
    try {
      Zoned t = timestamp(s);
      LocalDateTime local = t.date.atTime(LocalTime.ofNanoOfDay(t.nanos));
      if (t.zone == null) {
        return local;
      }
      Instant instant = ZonedDateTime.of(local, t.zone).toInstant();
      return LocalDateTime.ofInstant(instant, session);
    } catch (RuntimeException e) {
      throw invalid("TIMESTAMP", s);
    }
  }

  static OffsetDateTime parseTimestampWithZone(String s, ZoneId session) throws SQLException {
    try {
      Zoned t = timestamp(s);
      LocalDateTime local = t.date.atTime(LocalTime.ofNanoOfDay(t.nanos));
      return ZonedDateTime.of(local, t.zone != null ? t.zone : session).toOffsetDateTime();
    } catch (RuntimeException e) {
      throw invalid("TIMESTAMP WITH TIME ZONE", s);
    }
  }

  private static int currentOffset(ZoneId session) {
    return session.getRules().getOffset(Instant.now()).getTotalSeconds();
  }

  private static ZoneOffset fixedOffset(ZoneId zone) {
    if (!(zone instanceof ZoneOffset)) {
      throw new Malformed();
    }
    return (ZoneOffset) zone;
  }

  /** A parsed time of day, with a date for timestamps, and the zone written after it. */
  private static final class Zoned {
    LocalDate date = LocalDate.EPOCH;
    long nanos;
    @Nullable ZoneId zone;
  }

  private static Zoned timestamp(String s) {
    Zoned z = new Zoned();
    int dateEnd = s.indexOf(' ');
    if (dateEnd < 0) {
      dateEnd = s.indexOf('T');
    }
    int timeStart;
    if (dateEnd < 0) {
      dateEnd = s.length();
      timeStart = -1;
    } else {
      timeStart = dateEnd + 1;
    }
    z.date = date(s, 0, dateEnd);
    if (timeStart < 0) {
      return z;
    }
    int timeEnd;
    if (s.endsWith("Z")) {
      z.zone = ZoneOffset.UTC;
      timeEnd = s.length() - 1;
    } else {
      int zoneStart = s.indexOf('+', timeStart);
      if (zoneStart < 0) {
        zoneStart = s.indexOf('-', timeStart);
      }
      if (zoneStart >= 0) {
        int zoneEnd = s.indexOf('[', zoneStart + 1);
        z.zone = zone(s.substring(zoneStart, zoneEnd < 0 ? s.length() : zoneEnd));
        if (s.charAt(zoneStart - 1) == ' ') {
          zoneStart--;
        }
        timeEnd = zoneStart;
      } else {
        zoneStart = s.indexOf(' ', timeStart);
        if (zoneStart > 0) {
          z.zone = zone(s.substring(zoneStart + 1));
          timeEnd = zoneStart;
        } else {
          timeEnd = s.length();
        }
      }
    }
    z.nanos = timeNanos(s, timeStart, timeEnd);
    return z;
  }

  private static Zoned time(String s) {
    Zoned z = new Zoned();
    int timeEnd;
    if (s.endsWith("Z")) {
      z.zone = ZoneOffset.UTC;
      timeEnd = s.length() - 1;
    } else {
      int zoneStart = s.indexOf('+', 1);
      if (zoneStart < 0) {
        zoneStart = s.indexOf('-', 1);
      }
      if (zoneStart >= 0) {
        z.zone = zone(s.substring(zoneStart));
        if (s.charAt(zoneStart - 1) == ' ') {
          zoneStart--;
        }
        timeEnd = zoneStart;
      } else {
        zoneStart = s.indexOf(' ', 1);
        if (zoneStart > 0) {
          z.zone = zone(s.substring(zoneStart + 1));
          timeEnd = zoneStart;
        } else {
          timeEnd = s.length();
        }
      }
      if (z.zone != null && !(z.zone instanceof ZoneOffset)) {
        throw new Malformed();
      }
    }
    z.nanos = timeNanos(s, 0, timeEnd);
    return z;
  }

  /** An offset ({@code Z}, {@code +h}, {@code -hh:mm}, {@code GMT+2}) or a region. */
  private static ZoneId zone(String id) {
    if (id.equals("Z")) {
      return ZoneOffset.UTC;
    }
    String offset = id;
    if (id.startsWith("GMT") || id.startsWith("UTC")) {
      if (id.length() == 3) {
        return ZoneOffset.UTC;
      }
      offset = id.substring(3);
    }
    if (offset.matches("[+-]?\\d{1,2}(:\\d{1,2}(:\\d{1,2})?)?")) {
      String[] parts = offset.replace("+", "").split(":");
      int sign = parts[0].startsWith("-") ? -1 : 1;
      int hours = Math.abs(Integer.parseInt(parts[0]));
      int minutes = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      int seconds = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
      return ZoneOffset.ofTotalSeconds(sign * (hours * 3600 + minutes * 60 + seconds));
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new Malformed();
    }
  }

  private static LocalDate date(String s, int start, int end) {
    if (s.charAt(start) == '+') {
      start++;
    }
    int yearEnd = s.indexOf('-', start + 1);
    int monthStart;
    int monthEnd;
    int dayStart;
    if (yearEnd > 0) {
      monthStart = yearEnd + 1;
      monthEnd = s.indexOf('-', monthStart);
      if (monthEnd <= monthStart) {
        throw new Malformed();
      }
      dayStart = monthEnd + 1;
    } else {
      // yyyyMMdd
      monthEnd = end - 2;
      dayStart = monthEnd;
      monthStart = monthEnd - 2;
      yearEnd = monthStart;
      if (yearEnd < start + 3) {
        throw new Malformed();
      }
    }
    int year = Integer.parseInt(s, start, yearEnd, 10);
    int month = unsigned(s, monthStart, monthEnd);
    int day = unsigned(s, dayStart, end);
    return LocalDate.of(year, month, day);
  }

  private static long timeNanos(String s, int start, int end) {
    int hourEnd = s.indexOf(':', start);
    int minuteStart;
    int minuteEnd;
    int secondStart;
    int secondEnd;
    if (hourEnd > 0) {
      minuteStart = hourEnd + 1;
      minuteEnd = s.indexOf(':', minuteStart);
      if (minuteEnd >= minuteStart) {
        secondStart = minuteEnd + 1;
        secondEnd = s.indexOf('.', secondStart);
      } else {
        // h:m
        minuteEnd = end;
        secondStart = -1;
        secondEnd = -1;
      }
    } else {
      int point = s.indexOf('.', start);
      if (point < 0) {
        // hhmm or hhmmss
        hourEnd = start + 2;
        minuteStart = hourEnd;
        minuteEnd = minuteStart + 2;
        int length = end - start;
        if (length == 6) {
          secondStart = minuteEnd;
          secondEnd = -1;
        } else if (length == 4) {
          secondStart = -1;
          secondEnd = -1;
        } else {
          throw new Malformed();
        }
      } else if (point >= start + 6) {
        // hhmmss.f
        if (point - start != 6) {
          throw new Malformed();
        }
        hourEnd = start + 2;
        minuteStart = hourEnd;
        minuteEnd = minuteStart + 2;
        secondStart = minuteEnd;
        secondEnd = point;
      } else {
        // h.m.s[.f]
        hourEnd = point;
        minuteStart = hourEnd + 1;
        minuteEnd = s.indexOf('.', minuteStart);
        if (minuteEnd <= minuteStart) {
          throw new Malformed();
        }
        secondStart = minuteEnd + 1;
        secondEnd = s.indexOf('.', secondStart);
      }
    }
    int hour = unsigned(s, start, hourEnd);
    if (hour >= 24) {
      throw new Malformed();
    }
    int minute = unsigned(s, minuteStart, minuteEnd);
    int second = 0;
    int nanos = 0;
    if (secondStart > 0) {
      if (secondEnd < 0) {
        second = unsigned(s, secondStart, end);
      } else {
        second = unsigned(s, secondStart, secondEnd);
        nanos = fraction(s, secondEnd + 1, end);
      }
    }
    if (minute >= 60 || second >= 60) {
      throw new Malformed();
    }
    return ((hour * 60L + minute) * 60 + second) * NANOS_PER_SECOND + nanos;
  }

  private static int fraction(String s, int start, int end) {
    if (start >= end) {
      throw new Malformed();
    }
    int nanos = 0;
    int scale = 100_000_000;
    for (int i = start; i < end; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new Malformed();
      }
      nanos += scale * (ch - '0');
      scale /= 10;
    }
    return nanos;
  }

  private static int unsigned(String s, int start, int end) {
    if (end > s.length() || start < 0 || start >= end) {
      throw new Malformed();
    }
    int n = 0;
    for (int i = start; i < end; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9' || n > 214_748_364) {
        throw new Malformed();
      }
      n = n * 10 + ch - '0';
    }
    return n;
  }
}
