package dev.layercache.examples.bench;

import dev.layercache.examples.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders a {@link BenchReport} as one self-contained HTML page: inline CSS and SVG charts, no
 * script, font or image from the network, so it opens in any browser offline.
 */
public final class HtmlReport {
  private static final String[] COLORS = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"
  };

  private HtmlReport() {}

  /**
   * Renders the report.
   *
   * @param report the report
   * @return the HTML page
   */
  public static String render(BenchReport report) {
    List<RunResult> runs = report.runs();
    StringBuilder sb = new StringBuilder(32_000);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>LayerCache benchmark ")
        .append(Html.escape(report.startedAt()))
        .append("</title><style>")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;")
        .append("color:#222;max-width:1100px}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}")
        .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}")
        .append("th{background:#f3f3f3}.bad{color:#b00;font-weight:bold}.ok{color:#070}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:1em}svg{background:#fff;")
        .append("border:1px solid #ddd}code{background:#f3f3f3;padding:1px 4px}")
        .append("</style></head><body>\n");
    sb.append("<h1>LayerCache pattern benchmark</h1><p>Started ")
        .append(Html.escape(report.startedAt()))
        .append(
            ". Two application servers share one cache backend; requests alternate between"
                + " them. Every answer is checked against the versions writers recorded.</p>\n");
    sb.append("<p>Stale reads detected: <span class=\"")
        .append(report.staleReads() == 0 ? "ok" : "bad")
        .append("\">")
        .append(report.staleReads())
        .append("</span></p>\n");
    for (String e : report.staleExamples()) {
      sb.append("<p class=\"bad\">").append(Html.escape(e)).append("</p>\n");
    }

    sb.append("<h2>Results</h2>");
    summaryTable(sb, runs);
    sb.append("<div class=\"charts\">");
    barChart(sb, "Throughput (requests/s)", runs, RunResult::throughput, "%,.0f");
    barChart(sb, "p99 latency (ms)", runs, r -> r.latency().p99Ms(), "%.3f");
    barChart(sb, "p50 latency (ms)", runs, r -> r.latency().p50Ms(), "%.3f");
    barChart(sb, "Database statements per request", runs, RunResult::statementsPerRequest, "%.2f");
    sb.append("</div>\n");

    sb.append(
        "<h2>Latency per operation (p50, ms)</h2><p>Each chart has its own scale. The cheap"
            + " primary-key lookups show where a cache hit does not beat the database; the aggregate"
            + " shows where it does.</p><div class=\"charts\">");
    for (Map.Entry<String, String> op : report.operations().entrySet()) {
      List<RunResult> with = new ArrayList<>();
      for (RunResult r : runs) {
        if (r.byOperation().containsKey(op.getKey())) {
          with.add(r);
        }
      }
      if (!with.isEmpty()) {
        barChart(sb, op.getValue(), with, r -> r.byOperation().get(op.getKey()).p50Ms(), "%.3f");
      }
    }
    sb.append("</div>\n");
    operationTable(sb, report, runs);

    if (!report.findings().isEmpty()) {
      sb.append("<h2>Compared with the database alone</h2><ul>");
      for (String f : report.findings()) {
        sb.append("<li>").append(Html.escape(f)).append("</li>");
      }
      sb.append("</ul>\n");
    }

    if (runs.stream().anyMatch(r -> !r.sweep().isEmpty())) {
      sb.append(
          "<h2>Latency against load</h2><p>Solid lines: closed loop (1, 2, 4, 8&hellip;"
              + " clients). Dashed lines: open loop at fixed arrival rates, latency measured from each"
              + " request's intended start (no coordinated omission). Logarithmic latency axis.</p>");
      sweepChart(sb, runs, "p99 latency (ms) against throughput", p -> p.latency().p99Ms());
      sweepChart(sb, runs, "p50 latency (ms) against throughput", p -> p.latency().p50Ms());
      sweepTable(sb, runs);
    }

    sb.append("<h2>Settings</h2><table>");
    for (Map.Entry<String, Object> e : report.settings().entrySet()) {
      row(sb, e.getKey(), String.valueOf(e.getValue()));
    }
    for (Map.Entry<String, String> e : report.environment().entrySet()) {
      row(sb, e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Long> e : report.dataset().entrySet()) {
      row(sb, e.getKey() + " rows", String.format(Locale.ROOT, "%,d", e.getValue()));
    }
    row(sb, "data generation", report.generationMillis() + " ms");
    sb.append("</table></body></html>\n");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String key, String value) {
    sb.append("<tr><td>")
        .append(Html.escape(key))
        .append("</td><td>")
        .append(Html.escape(value))
        .append("</td></tr>");
  }

  private static void summaryTable(StringBuilder sb, List<RunResult> runs) {
    sb.append("<table><tr><th>run</th><th>requests/s</th><th>p50 ms</th><th>p99 ms</th>")
        .append("<th>p99.9 ms</th><th>max ms</th><th>hit ratio</th><th>statements/request</th>")
        .append("<th>bytes from cache/request</th><th>bytes to cache/request</th>")
        .append("<th>stale reads</th><th>errors</th></tr>");
    for (RunResult r : runs) {
      LatencySummary l = r.latency();
      sb.append("<tr><td>")
          .append(Html.escape(r.label()))
          .append("</td>")
          .append(cell("%,.0f", r.throughput()))
          .append(cell("%.3f", l.p50Ms()))
          .append(cell("%.3f", l.p99Ms()))
          .append(cell("%.3f", l.p999Ms()))
          .append(cell("%.2f", l.maxMs()))
          .append(r.hitRatio() == null ? "<td>-</td>" : cell("%.1f%%", 100 * r.hitRatio()))
          .append(cell("%.2f", r.statementsPerRequest()))
          .append(cell("%,.0f", r.bytesFromCachePerRequest()))
          .append(cell("%,.0f", r.bytesToCachePerRequest()))
          .append("<td class=\"")
          .append(r.staleBeyondPromise() ? "bad" : "ok")
          .append("\">")
          .append(r.staleReads())
          .append("</td><td>")
          .append(r.errors())
          .append(r.firstError() == null ? "" : " (" + Html.escape(r.firstError()) + ")")
          .append("</td></tr>");
    }
    sb.append("</table>\n");
  }

  private static void operationTable(StringBuilder sb, BenchReport report, List<RunResult> runs) {
    sb.append("<table><tr><th>operation (p50 / p99 ms)</th>");
    for (RunResult r : runs) {
      sb.append("<th>").append(Html.escape(r.label())).append("</th>");
    }
    sb.append("</tr>");
    for (Map.Entry<String, String> op : report.operations().entrySet()) {
      sb.append("<tr><td>").append(Html.escape(op.getValue())).append("</td>");
      for (RunResult r : runs) {
        LatencySummary l = r.byOperation().get(op.getKey());
        sb.append(
            l == null
                ? "<td>-</td>"
                : String.format(Locale.ROOT, "<td>%.3f / %.3f</td>", l.p50Ms(), l.p99Ms()));
      }
      sb.append("</tr>");
    }
    sb.append("</table>\n");
  }

  private static void sweepTable(StringBuilder sb, List<RunResult> runs) {
    sb.append("<table><tr><th>run</th><th>mode</th><th>threads</th><th>offered/s</th>")
        .append("<th>done/s</th><th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th>")
        .append("<th>errors</th><th>unsent</th></tr>");
    for (RunResult r : runs) {
      for (SweepPoint p : r.sweep()) {
        sb.append("<tr><td>")
            .append(Html.escape(r.label()))
            .append("</td><td>")
            .append(p.mode())
            .append("</td><td>")
            .append(p.threads())
            .append("</td>")
            .append(p.offeredRate() == null ? "<td>-</td>" : cell("%,.0f", p.offeredRate()))
            .append(cell("%,.0f", p.throughput()))
            .append(cell("%.3f", p.latency().p50Ms()))
            .append(cell("%.3f", p.latency().p99Ms()))
            .append(cell("%.3f", p.latency().p999Ms()))
            .append(cell("%.2f", p.latency().maxMs()))
            .append("<td>")
            .append(p.errors())
            .append("</td><td>")
            .append(p.unsent())
            .append("</td></tr>");
      }
    }
    sb.append("</table>\n");
  }

  private static String cell(String format, double value) {
    return "<td>" + String.format(Locale.ROOT, format, value) + "</td>";
  }

  /** A horizontal bar chart, one bar per run, with the value written after each bar. */
  private static void barChart(
      StringBuilder sb,
      String title,
      List<RunResult> runs,
      ToDoubleFunction<RunResult> value,
      String format) {
    int labelWidth = 130;
    int barArea = 260;
    int rowHeight = 22;
    int width = labelWidth + barArea + 80;
    int height = 30 + rowHeight * runs.size() + 10;
    double max = 0;
    for (RunResult r : runs) {
      max = Math.max(max, value.applyAsDouble(r));
    }
    sb.append(svgOpen(width, height)).append(text(8, 18, title, "bold"));
    for (int i = 0; i < runs.size(); i++) {
      RunResult r = runs.get(i);
      double v = value.applyAsDouble(r);
      int y = 30 + i * rowHeight;
      int w = max <= 0 ? 0 : (int) Math.round(barArea * v / max);
      sb.append(text(8, y + 14, r.label(), ""))
          .append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                  labelWidth,
                  y + 2,
                  Math.max(1, w),
                  rowHeight - 6,
                  color(r, runs)))
          .append(text(labelWidth + w + 4, y + 14, String.format(Locale.ROOT, format, v), ""));
    }
    sb.append("</svg>");
  }

  /** Latency (log scale) against throughput, one line per run and loop mode. */
  private static void sweepChart(
      StringBuilder sb, List<RunResult> runs, String title, ToDoubleFunction<SweepPoint> latency) {
    int width = 760;
    int height = 420;
    int left = 70;
    int right = 170;
    int top = 35;
    int bottom = 45;
    double maxX = 0;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (RunResult r : runs) {
      for (SweepPoint p : r.sweep()) {
        maxX = Math.max(maxX, p.throughput());
        double y = latency.applyAsDouble(p);
        if (y > 0) {
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX <= 0 || maxY <= 0) {
      return;
    }
    double logMin = Math.floor(Math.log10(minY));
    double logMax = Math.ceil(Math.log10(maxY));
    if (logMax <= logMin) {
      logMax = logMin + 1;
    }
    int plotW = width - left - right;
    int plotH = height - top - bottom;
    double lo = logMin;
    double hi = logMax;
    double xMax = maxX * 1.05;
    java.util.function.DoubleUnaryOperator sx = x -> left + plotW * x / xMax;
    java.util.function.DoubleUnaryOperator sy =
        y -> top + plotH * (1 - (Math.log10(Math.max(y, Math.pow(10, lo))) - lo) / (hi - lo));
    sb.append(svgOpen(width, height)).append(text(8, 20, title, "bold"));
    for (double e = logMin; e <= logMax; e++) {
      double y = sy.applyAsDouble(Math.pow(10, e));
      sb.append(line(left, y, left + plotW, y, "#eee", false))
          .append(text(8, (int) y + 4, fmtMs(Math.pow(10, e)), ""));
    }
    for (int i = 0; i <= 4; i++) {
      double x = xMax * i / 4;
      double px = sx.applyAsDouble(x);
      sb.append(line(px, top, px, top + plotH, "#eee", false))
          .append(
              text((int) px - 15, top + plotH + 16, String.format(Locale.ROOT, "%,.0f", x), ""));
    }
    sb.append(line(left, top + plotH, left + plotW, top + plotH, "#888", false))
        .append(line(left, top, left, top + plotH, "#888", false))
        .append(text(left + plotW / 2 - 60, height - 8, "throughput (requests/s)", ""));
    int legend = 0;
    for (RunResult r : runs) {
      for (String mode : new String[] {"closed", "open"}) {
        StringBuilder pts = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (SweepPoint p : r.sweep()) {
          if (!p.mode().equals(mode) || latency.applyAsDouble(p) <= 0) {
            continue;
          }
          double x = sx.applyAsDouble(p.throughput());
          double y = sy.applyAsDouble(latency.applyAsDouble(p));
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
          dots.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %,.0f/s,"
                      + " %.3f ms</title></circle>",
                  x,
                  y,
                  color(r, runs),
                  Html.escape(r.label()),
                  mode,
                  p.throughput(),
                  latency.applyAsDouble(p)));
        }
        if (pts.length() == 0) {
          continue;
        }
        sb.append(
                String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                    color(r, runs),
                    mode.equals("open") ? " stroke-dasharray=\"6 4\"" : "",
                    pts.toString().trim()))
            .append(dots);
        int ly = top + 10 + legend * 18;
        sb.append(
                line(
                    width - right + 10,
                    ly,
                    width - right + 40,
                    ly,
                    color(r, runs),
                    mode.equals("open")))
            .append(text(width - right + 45, ly + 4, r.label() + " " + mode, ""));
        legend++;
      }
    }
    sb.append("</svg>");
  }

  private static String fmtMs(double ms) {
    return ms >= 1
        ? String.format(Locale.ROOT, "%.0f ms", ms)
        : String.format(Locale.ROOT, "%.3g ms", ms);
  }

  private static String color(RunResult r, List<RunResult> runs) {
    int i = runs.indexOf(r);
    return COLORS[Math.floorMod(i, COLORS.length)];
  }

  private static String svgOpen(int width, int height) {
    return String.format(
        Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"12\">",
        width,
        height,
        width,
        height);
  }

  private static String text(int x, int y, String s, String weight) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\"%s>%s</text>",
        x,
        y,
        weight.isEmpty() ? "" : " font-weight=\"" + weight + "\"",
        Html.escape(s));
  }

  private static String line(
      double x1, double y1, double x2, double y2, String color, boolean dashed) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>",
        x1,
        y1,
        x2,
        y2,
        color,
        dashed ? " stroke-dasharray=\"6 4\" stroke-width=\"2\"" : "");
  }
}
