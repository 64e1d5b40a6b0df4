package dev.layercache.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs a recurring problem at most once per interval per category, with the number of occurrences
 * suppressed since the last line. A dead backend must not flood the application's log.
 */
final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  ThrottledLog(Logger log, long intervalNanos) {
    this.log = log;
    this.intervalNanos = intervalNanos;
  }

  void warn(String category, String message, @Nullable Throwable cause) {
    Window w = windows.computeIfAbsent(category, c -> new Window());
    long now = System.nanoTime();
    long last = w.lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos) {
      w.suppressed.incrementAndGet();
      return;
    }
    if (!w.lastLogged.compareAndSet(last, now)) {
      w.suppressed.incrementAndGet();
      return;
    }
    long suppressed = w.suppressed.getAndSet(0);
    String suffix = suppressed > 0 ? " (" + suppressed + " similar suppressed)" : "";
    if (cause != null) {
      log.warn("{}{}: {}", message, suffix, cause.toString());
      log.debug("details", cause);
    } else {
      log.warn("{}{}", message, suffix);
    }
  }

  private static final class Window {
    final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }
}
