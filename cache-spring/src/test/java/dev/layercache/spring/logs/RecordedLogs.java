package dev.layercache.spring.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The tests' SLF4J provider: records what the loggers tests turn up log, so that a test can check
 * what DEBUG and TRACE say (and what they never say); prints warnings and errors.
 */
public final class RecordedLogs implements SLF4JServiceProvider {
  private static final Map<String, Level> LEVELS = new ConcurrentHashMap<>();
  private static final List<String> LINES = new ArrayList<>();

  /**
   * Records a logger (and its children) from a level on.
   *
   * @param prefix a logger name prefix
   * @param level the lowest level recorded
   */
  public static void record(String prefix, Level level) {
    LEVELS.put(prefix, level);
  }

  /** Stops recording below WARN and forgets the lines. */
  public static void reset() {
    LEVELS.clear();
    synchronized (LINES) {
      LINES.clear();
    }
  }

  /**
   * The lines recorded so far, as {@code LEVEL logger: message}.
   *
   * @return a copy
   */
  public static List<String> lines() {
    synchronized (LINES) {
      return new ArrayList<>(LINES);
    }
  }

  private static boolean enabled(String name, Level level) {
    Level threshold = Level.WARN;
    int longest = -1;
    for (Map.Entry<String, Level> e : LEVELS.entrySet()) {
      if (name.startsWith(e.getKey()) && e.getKey().length() > longest) {
        longest = e.getKey().length();
        threshold = e.getValue();
      }
    }
    return level.toInt() >= threshold.toInt();
  }

  /** Created by SLF4J's service loader. */
  public RecordedLogs() {}

  private final ILoggerFactory loggers = Recording::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class Recording extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(name, Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      String line = level + " " + name + ": " + MessageFormatter.basicArrayFormat(pattern, args);
      synchronized (LINES) {
        LINES.add(line);
      }
      if (level.toInt() >= Level.WARN.toInt()) {
        System.err.println(line);
        if (t != null) {
          t.printStackTrace();
        }
      }
    }
  }
}
