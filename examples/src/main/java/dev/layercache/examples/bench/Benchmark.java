package dev.layercache.examples.bench;

import dev.layercache.examples.blog.BlogDataGenerator;
import dev.layercache.examples.blog.DataSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole benchmark: generates the data, runs every selected pattern on every selected
 * backend (and, with {@code --sweep}, measures latency against load), then prints the table and
 * writes the JSON and HTML reports.
 */
public final class Benchmark {
  /** Exit status when every run finished without stale reads or failed requests. */
  public static final int OK = 0;

  /** Exit status when a stale read was found or requests failed. */
  public static final int FAILED = 1;

  private static final int MIN_OPEN_LOOP_WORKERS = 32;

  private final BenchConfig config;
  private final PrintStream out;
  private final ProgressDisplay progress;

  /**
   * Creates a benchmark.
   *
   * @param config the settings
   * @param out where the table and progress go
   * @param terminal whether {@code out} is a terminal
   */
  public Benchmark(BenchConfig config, PrintStream out, boolean terminal) {
    this.config = config;
    this.out = out;
    this.progress = new ProgressDisplay(out, config.progress(), terminal);
  }

  /** One pattern on one backend (or on none). */
  private record Plan(Pattern pattern, @Nullable String backend) {}

  /**
   * Checks the selection before anything starts, so a bad name costs no data generation.
   *
   * @return the runs to make
   * @throws BenchUsageException for an unknown name
   * @throws BenchUnavailableException for a pattern or backend missing from this build
   */
  List<Plan> plan() {
    List<Pattern> patterns = new ArrayList<>();
    if (config.patterns().isEmpty()) {
      patterns.addAll(Patterns.available());
    } else {
      for (String name : config.patterns()) {
        patterns.add(Patterns.named(name));
      }
    }
    List<String> backends = new ArrayList<>();
    if (config.backends().isEmpty()) {
      // The embedded default: remote backends run when named, so a plain run needs no server.
      backends.add("local");
    } else {
      for (String name : config.backends()) {
        Backends.requireAvailable(name);
        backends.add(name);
      }
    }
    List<Plan> plans = new ArrayList<>();
    for (Pattern p : patterns) {
      if (!p.usesCache()) {
        plans.add(new Plan(p, null));
      } else {
        int before = plans.size();
        for (String b : backends) {
          if (p.supports(b)) {
            plans.add(new Plan(p, b));
          }
        }
        if (plans.size() == before && config.patterns().contains(p.name())) {
          throw new BenchUnavailableException(
              "pattern '"
                  + p.name()
                  + "' cannot run on "
                  + String.join(", ", backends)
                  + ": name a remote backend, such as --backends redis");
        }
      }
    }
    return plans;
  }

  /**
   * Runs the benchmark.
   *
   * @return {@link #OK} or {@link #FAILED}
   * @throws BenchUsageException for a bad selection
   * @throws BenchUnavailableException if something selected cannot be used
   * @throws IOException if the reports cannot be written
   * @throws SQLException if generating the data fails
   * @throws InterruptedException if interrupted
   */
  public int run() throws IOException, SQLException, InterruptedException {
    List<Plan> plans = plan();
    OffsetDateTime started = OffsetDateTime.now();
    DataSize size = config.size();
    int maxThreads = config.threads();
    for (int t : config.sweepThreads()) {
      maxThreads = Math.max(maxThreads, config.sweep() ? t : 0);
    }
    int workers = Math.max(MIN_OPEN_LOOP_WORKERS, 4 * maxThreads);
    int poolSize = Math.max(maxThreads, config.sweep() ? workers : 0) + 2;
    out.println(header(plans));
    try (Database db =
        Database.open(config.dbUrl(), config.dbUser(), config.dbPassword(), poolSize)) {
      progress.show("generating " + size.name() + " data set in " + db.description() + " ...");
      long t0 = System.nanoTime();
      Map<String, Long> rows =
          BlogDataGenerator.generate(db.pool(), db.dialect(), size, config.seed());
      long genMillis = (System.nanoTime() - t0) / 1_000_000;
      long total = rows.values().stream().mapToLong(Long::longValue).sum();
      progress.done(
          String.format(
              Locale.ROOT,
              "data: %,d rows (%,d users, %,d articles, %,d comments) in %.1f s, %s",
              total,
              rows.get("blog_users"),
              rows.get("blog_articles"),
              rows.get("blog_comments"),
              genMillis / 1e3,
              db.description()));

      Workload workload = new Workload(size, config.seed(), config.theta(), config.writePercent());
      List<RunResult> results = new ArrayList<>();
      List<String> staleExamples = new ArrayList<>();
      String runId = Long.toString(System.currentTimeMillis(), 36);
      for (int i = 0; i < plans.size(); i++) {
        Plan plan = plans.get(i);
        String tag =
            String.format(
                Locale.ROOT,
                "[%d/%d] %s",
                i + 1,
                plans.size(),
                plan.backend() == null
                    ? plan.pattern().name()
                    : plan.pattern().name() + "/" + plan.backend());
        StaleReadChecker checker = new StaleReadChecker();
        try (Deployment d =
            new Deployment(plan.pattern(), plan.backend(), db, config, "blog-" + runId + "-" + i)) {
          RunResult r = runOne(tag, plan, d, workload, checker, workers);
          results.add(r);
          staleExamples.addAll(checker.examples());
          progress.done(
              String.format(
                  Locale.ROOT,
                  "%s  %,.0f ops/s  p50 %.3f ms  p99 %.3f ms  hit %s  stale %d  errors %d",
                  tag,
                  r.throughput(),
                  r.latency().p50Ms(),
                  r.latency().p99Ms(),
                  r.hitRatio() == null
                      ? "-"
                      : String.format(Locale.ROOT, "%.1f%%", 100 * r.hitRatio()),
                  r.staleReads(),
                  r.errors()));
        }
      }
      long stale = results.stream().mapToLong(RunResult::staleReads).sum();
      Map<String, String> ops = new LinkedHashMap<>();
      for (Operation op : Operation.values()) {
        ops.put(op.id(), op.label());
      }
      BenchReport report =
          new BenchReport(
              started.toString(),
              settings(),
              environment(db),
              rows,
              genMillis,
              ops,
              results,
              Findings.of(results),
              stale,
              staleExamples);
      out.println();
      out.print(TerminalReport.render(report));
      Files.createDirectories(config.outputDir());
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path json = config.outputDir().resolve("bench-" + stamp + ".json");
      Path html = config.outputDir().resolve("bench-" + stamp + ".html");
      JsonReport.write(report, json);
      Files.writeString(html, HtmlReport.render(report));
      out.println();
      out.println("JSON: " + json.toAbsolutePath());
      out.println("HTML: " + html.toAbsolutePath());
      long errors = results.stream().mapToLong(RunResult::errors).sum();
      boolean broken = results.stream().anyMatch(RunResult::staleBeyondPromise);
      if (broken) {
        out.println("FAILED: " + stale + " stale reads detected; first ones:");
        for (String e : staleExamples) {
          out.println("  " + e);
        }
      }
      if (errors > 0) {
        out.println("FAILED: " + errors + " requests failed; see firstError in the JSON report");
      }
      return broken || errors > 0 ? FAILED : OK;
    }
  }

  private RunResult runOne(
      String tag, Plan plan, Deployment d, Workload workload, StaleReadChecker checker, int workers)
      throws InterruptedException {
    LoadRunner runner = new LoadRunner(workload, d, checker, progress, config.seed());
    long errors = 0;
    String firstError = null;
    if (!config.warmup().isZero()) {
      LoadRunner.Phase w =
          runner.closedLoop(tag + " warm-up", config.threads(), config.warmup(), 0);
      errors += w.errors();
      firstError = w.firstError();
    }
    LoadRunner.Phase m =
        runner.closedLoop(
            tag + " measuring", config.threads(), config.duration(), config.operations());
    errors += m.errors();
    if (firstError == null) {
      firstError = m.firstError();
    }
    List<SweepPoint> sweep = new ArrayList<>();
    if (config.sweep()) {
      double best = m.throughput();
      for (int threads : config.sweepThreads()) {
        LoadRunner.Phase p =
            runner.closedLoop(
                tag + " sweep closed " + threads + "t", threads, config.sweepPoint(), 0);
        best = Math.max(best, p.throughput());
        sweep.add(point("closed", threads, null, p));
        errors += p.errors();
      }
      for (int percent : config.sweepRates()) {
        double rate = Math.max(1, best * percent / 100.0);
        LoadRunner.Phase p =
            runner.openLoop(
                String.format(Locale.ROOT, "%s sweep open %,.0f/s", tag, rate),
                rate,
                workers,
                config.sweepPoint());
        sweep.add(point("open", workers, rate, p));
        errors += p.errors();
      }
    }
    Deployment.Counters c = m.counters();
    long ops = Math.max(1, m.operations());
    Map<String, LatencySummary> byOp = new LinkedHashMap<>();
    for (Operation op : Operation.values()) {
      Histogram h = m.byOperation()[op.ordinal()];
      if (h.getTotalCount() > 0) {
        byOp.put(op.id(), LatencySummary.of(h));
      }
    }
    return new RunResult(
        plan.pattern().name(),
        plan.backend() == null ? "-" : plan.backend(),
        config.threads(),
        m.elapsedNanos() / 1e9,
        m.operations(),
        m.reads(),
        m.operations() - m.reads(),
        m.throughput(),
        LatencySummary.of(m.overall()),
        byOp,
        d.cached()
            ? (c.cacheLookups() == 0 ? 0.0 : (double) c.cacheHits() / c.cacheLookups())
            : null,
        c.cacheLookups(),
        (double) c.statements() / ops,
        (double) c.bytesFromCache() / ops,
        (double) c.bytesToCache() / ops,
        (double) c.backendCalls() / ops,
        checker.staleReads(),
        checker.maxStaleMillis(),
        plan.pattern().staleBound() == null ? null : plan.pattern().staleBound().toMillis(),
        checker.checkedVersions(),
        checker.uncheckedVersions(),
        errors,
        firstError,
        sweep);
  }

  private static SweepPoint point(
      String mode, int threads, @Nullable Double rate, LoadRunner.Phase p) {
    return new SweepPoint(
        mode,
        threads,
        rate,
        p.throughput(),
        LatencySummary.of(p.overall()),
        p.staleReads(),
        p.errors(),
        p.unsent());
  }

  private String header(List<Plan> plans) {
    StringBuilder names = new StringBuilder();
    for (Plan p : plans) {
      names.append(names.length() == 0 ? "" : ", ").append(p.pattern().name());
      if (p.backend() != null) {
        names.append('/').append(p.backend());
      }
    }
    return String.format(
        Locale.ROOT,
        "LayerCache pattern benchmark: %s; %d threads, %d/%d reads/writes, Zipfian %.2f,"
            + " warm-up %s, %s per run%s",
        names,
        config.threads(),
        config.readPercent(),
        config.writePercent(),
        config.theta(),
        seconds(config.warmup()),
        config.operations() > 0
            ? String.format(Locale.ROOT, "%,d ops", config.operations())
            : seconds(config.duration()),
        config.sweep() ? ", with sweep" : "");
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3gs", d.toMillis() / 1e3);
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("database", Database.redacted(config.dbUrl()));
    s.put("size", config.size());
    s.put("seed", config.seed());
    s.put("threads", config.threads());
    s.put("durationSeconds", config.duration().toMillis() / 1e3);
    s.put("operations", config.operations());
    s.put("warmupSeconds", config.warmup().toMillis() / 1e3);
    s.put("readPercent", config.readPercent());
    s.put("writePercent", config.writePercent());
    s.put("zipfTheta", config.theta());
    s.put("applicationServers", Deployment.SERVERS);
    s.put("sweep", config.sweep());
    if (config.sweep()) {
      s.put("sweepThreads", config.sweepThreads());
      s.put("sweepRatesPercent", config.sweepRates());
      s.put("sweepPointSeconds", config.sweepPoint().toMillis() / 1e3);
    }
    return s;
  }

  private static Map<String, String> environment(Database db) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    e.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    e.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
    e.put("maxHeapMiB", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
    e.put("database", db.description());
    return e;
  }
}
