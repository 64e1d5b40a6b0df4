package dev.layercache.examples.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link BenchReport} as plain-text tables for the terminal. */
public final class TerminalReport {
  private TerminalReport() {}

  /**
   * Renders the report.
   *
   * @param report the report
   * @return the tables, ending with a line break
   */
  public static String render(BenchReport report) {
    StringBuilder sb = new StringBuilder();
    String head =
        String.format(
            Locale.ROOT,
            "%-18s %10s %9s %9s %9s %9s %7s %9s %10s %10s %6s %6s%n",
            "run",
            "ops/s",
            "p50 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "hit %",
            "stmts/req",
            "B from $",
            "B to $",
            "stale",
            "errors");
    sb.append(head).append(rule(head.length() - 1)).append('\n');
    for (RunResult r : report.runs()) {
      LatencySummary l = r.latency();
      sb.append(
          String.format(
              Locale.ROOT,
              "%-18s %,10.0f %9.3f %9.3f %9.3f %9.2f %7s %9.2f %10.0f %10.0f %6d %6d%n",
              r.label(),
              r.throughput(),
              l.p50Ms(),
              l.p99Ms(),
              l.p999Ms(),
              l.maxMs(),
              r.hitRatio() == null ? "-" : String.format(Locale.ROOT, "%.1f", 100 * r.hitRatio()),
              r.statementsPerRequest(),
              r.bytesFromCachePerRequest(),
              r.bytesToCachePerRequest(),
              r.staleReads(),
              r.errors()));
    }
    sb.append("(B from $ / B to $: bytes of cache entries read / written per request)\n\n");

    List<RunResult> runs = report.runs();
    StringBuilder opHead = new StringBuilder(String.format(Locale.ROOT, "%-34s", "p50 / p99 ms"));
    for (RunResult r : runs) {
      opHead.append(String.format(Locale.ROOT, " %17s", r.label()));
    }
    sb.append(opHead).append('\n').append(rule(opHead.length())).append('\n');
    for (Map.Entry<String, String> op : report.operations().entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-34s", op.getValue()));
      boolean any = false;
      for (RunResult r : runs) {
        LatencySummary l = r.byOperation().get(op.getKey());
        if (l == null) {
          line.append(String.format(Locale.ROOT, " %17s", "-"));
        } else {
          any = true;
          line.append(
              String.format(
                  Locale.ROOT,
                  " %17s",
                  String.format(Locale.ROOT, "%.3f/%.3f", l.p50Ms(), l.p99Ms())));
        }
      }
      if (any) {
        sb.append(line).append('\n');
      }
    }

    boolean sweeping = runs.stream().anyMatch(r -> !r.sweep().isEmpty());
    if (sweeping) {
      sb.append("\nLatency against load (open loop: latency from each request's intended start)\n");
      String sh =
          String.format(
              Locale.ROOT,
              "%-18s %-7s %8s %10s %10s %9s %9s %9s %8s%n",
              "run",
              "mode",
              "threads",
              "offered/s",
              "done/s",
              "p50 ms",
              "p99 ms",
              "max ms",
              "unsent");
      sb.append(sh).append(rule(sh.length() - 1)).append('\n');
      for (RunResult r : runs) {
        for (SweepPoint p : r.sweep()) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "%-18s %-7s %8d %10s %,10.0f %9.3f %9.3f %9.2f %8d%n",
                  r.label(),
                  p.mode(),
                  p.threads(),
                  p.offeredRate() == null
                      ? "-"
                      : String.format(Locale.ROOT, "%,.0f", p.offeredRate()),
                  p.throughput(),
                  p.latency().p50Ms(),
                  p.latency().p99Ms(),
                  p.latency().maxMs(),
                  p.unsent()));
        }
      }
    }

    if (!report.findings().isEmpty()) {
      sb.append("\nCompared with the database alone (p50):\n");
      for (String f : report.findings()) {
        sb.append("  ").append(f).append('\n');
      }
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nStale reads detected: %d (every answer checked against the versions writers"
                + " recorded)%n",
            report.staleReads()));
    for (RunResult r : report.runs()) {
      if (r.staleBoundMillis() != null && r.staleReads() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %s: %d stale, at most %.1f ms after the write (allowed: %d ms, the near cache's"
                    + " bus delay; the other server had not yet received the invalidation)%n",
                r.label(),
                r.staleReads(),
                r.maxStaleMillis(),
                r.staleBoundMillis()));
      }
    }
    return sb.toString();
  }

  private static String rule(int n) {
    return "-".repeat(Math.max(0, n));
  }
}
