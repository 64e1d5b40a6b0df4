package dev.layercache.annotation;

import dev.layercache.CacheConfigurationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The syntax of durations written as text, such as {@link Cached#ttl()}: an ISO-8601 duration
 * ({@code PT10M}, {@code P1D}, {@code PT0.5S}) or the simple form of Spring Boot's properties, a
 * whole number and a unit ({@code 10m}, {@code 30s}, {@code 500ms}; units {@code ns}, {@code us},
 * {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, in either case). A number without a unit
 * is refused rather than guessed.
 *
 * <p>Every duration LayerCache reads from text goes through {@link #parse(String)}; integrations
 * (annotation attributes of their own) use it too, so the same text means the same everywhere.
 */
public final class DurationFormat {
  private DurationFormat() {}

  /**
   * Parses a duration.
   *
   * @param text an ISO-8601 duration or a number followed by a unit
   * @return the duration, possibly zero or negative; callers check the range they need
   * @throws CacheConfigurationException if the text is neither, naming it
   */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new CacheConfigurationException("a duration is required, was '" + text + "'");
    }
    char first = text.charAt(0);
    int sign = first == '-' || first == '+' ? 1 : 0;
    if (text.length() > sign && Character.toUpperCase(text.charAt(sign)) == 'P') {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    int i = sign;
    int digitsStart = i;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    if (i == digitsStart || i == text.length()) {
      throw invalid(text);
    }
    long amount;
    try {
      amount = Long.parseLong(text.substring(0, i));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    try {
      switch (text.substring(i).toLowerCase(Locale.ROOT)) {
        case "ns":
          return Duration.ofNanos(amount);
        case "us":
          return Duration.ofNanos(Math.multiplyExact(amount, 1000L));
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        case "d":
          return Duration.ofDays(amount);
        default:
          throw invalid(text);
      }
    } catch (ArithmeticException e) {
      throw invalid(text);
    }
  }

  private static CacheConfigurationException invalid(String text) {
    return new CacheConfigurationException(
        "'"
            + text
            + "' is not a duration: use ISO-8601 (PT10M) or a number and a unit (10m, 30s, 500ms;"
            + " units ns, us, ms, s, m, h, d)");
  }
}
