package dev.layercache.examples.bench;

import java.io.PrintStream;

/**
 * The line that shows what a running benchmark is doing. On a terminal it rewrites one line; when
 * the output is a file or a pipe it prints a line every few seconds instead. Used by one thread.
 */
public final class ProgressDisplay {
  private static final long QUIET_INTERVAL_NANOS = 5_000_000_000L;

  private final PrintStream out;
  private final boolean enabled;
  private final boolean terminal;
  private int lastLength;
  private long lastPrinted;

  /**
   * Creates a display.
   *
   * @param out where to print
   * @param enabled whether to show progress at all
   * @param terminal whether {@code out} is a terminal that understands a carriage return
   */
  public ProgressDisplay(PrintStream out, boolean enabled, boolean terminal) {
    this.out = out;
    this.enabled = enabled;
    this.terminal = terminal;
  }

  /**
   * Shows the current state.
   *
   * @param line one line, without a line break
   */
  public void show(String line) {
    if (!enabled) {
      return;
    }
    if (terminal) {
      StringBuilder sb = new StringBuilder("\r").append(line);
      for (int i = line.length(); i < lastLength; i++) {
        sb.append(' ');
      }
      lastLength = line.length();
      out.print(sb);
      out.flush();
    } else {
      long now = System.nanoTime();
      if (lastPrinted == 0 || now - lastPrinted >= QUIET_INTERVAL_NANOS) {
        lastPrinted = now;
        out.println(line);
      }
    }
  }

  /**
   * Replaces the progress line with a final line that stays.
   *
   * @param line the line
   */
  public void done(String line) {
    if (enabled && terminal && lastLength > 0) {
      StringBuilder sb = new StringBuilder("\r");
      for (int i = 0; i < lastLength; i++) {
        sb.append(' ');
      }
      out.print(sb.append('\r'));
    }
    lastLength = 0;
    lastPrinted = 0;
    out.println(line);
  }
}
