package dev.layercache.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Observations computed from the runs, compared with the run without a cache: per read operation,
 * whether each cached run answers faster than the database, and by how much. Nothing is assumed:
 * where a cache hit is not faster (typically a primary-key lookup against a remote cache), the
 * finding says so.
 */
public final class Findings {
  private Findings() {}

  /**
   * Compares every cached run with the run without a cache.
   *
   * @param runs the runs
   * @return one line per read operation, empty without a baseline or a cached run
   */
  public static List<String> of(List<RunResult> runs) {
    List<String> lines = new ArrayList<>();
    RunResult base = null;
    for (RunResult r : runs) {
      if (r.pattern().equals("none")) {
        base = r;
      }
    }
    if (base == null) {
      return lines;
    }
    for (Operation op : Operation.values()) {
      LatencySummary db = base.byOperation().get(op.id());
      if (op.isWrite() || db == null) {
        continue;
      }
      StringBuilder sb =
          new StringBuilder(
              String.format(Locale.ROOT, "%s: database p50 %.3f ms", op.label(), db.p50Ms()));
      boolean any = false;
      for (RunResult r : runs) {
        LatencySummary c = r.byOperation().get(op.id());
        if (r == base || c == null || c.p50Ms() <= 0) {
          continue;
        }
        any = true;
        double ratio = db.p50Ms() / c.p50Ms();
        sb.append(
            String.format(
                Locale.ROOT,
                "; %s %.3f ms (%s)",
                r.label(),
                c.p50Ms(),
                ratio >= 1.1
                    ? String.format(Locale.ROOT, "%.1fx faster", ratio)
                    : ratio > 0.9
                        ? "no faster than the database"
                        : String.format(Locale.ROOT, "%.1fx SLOWER than the database", 1 / ratio)));
      }
      if (any) {
        lines.add(sb.toString());
      }
    }
    return lines;
  }
}
