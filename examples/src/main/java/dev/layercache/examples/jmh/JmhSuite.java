package dev.layercache.examples.jmh;

import dev.layercache.examples.bench.BenchUsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the whole JMH suite with one command and prints, for every cached operation, its ratio to
 * the raw client measured in the same run: time (mean, or p50 and p99 in sample mode) and bytes
 * allocated per operation ({@code -prof gc}).
 *
 * <pre>
 * java -jar examples/target/layercache-examples.jar jmh            # the full suite, about 25 min
 * java -jar examples/target/layercache-examples.jar jmh --quick    # one short fork each, about 6 min
 * java -jar examples/target/layercache-examples.jar jmh --groups redis,memcached
 * </pre>
 *
 * JMH's own JSON results go to {@code --out} (default {@code benchmark-results}), one file per
 * group. Remote groups start their own {@code redis-server} and {@code memcached} (see {@link
 * BenchRedisServer}); the SQL group needs PostgreSQL ({@code LAYERCACHE_POSTGRES_URL}). A group
 * that cannot run prints one line and the suite goes on.
 */
public final class JmhSuite {
  /** The groups, in the order they run. */
  static final List<Group> GROUPS =
      List.of(
          new Group(
              "local",
              "local hits, key derivation, object caching",
              "LocalHitBenchmark|KeyDerivationBenchmark|ObjectCachingBenchmark",
              List.of(1),
              false),
          new Group("redis", "Redis hit vs raw Jedis", "RedisHitBenchmark", List.of(1, 8), true),
          new Group(
              "memcached",
              "Memcached hit vs raw spymemcached",
              "MemcachedHitBenchmark",
              List.of(1, 8),
              true),
          new Group("sql", "query-result caching vs JDBC", "SqlQueryBenchmark", List.of(1), false));

  /** Which result is compared with which baseline of the same class, parameters and threads. */
  static final List<Comparison> COMPARISONS =
      List.of(
          new Comparison("LocalHitBenchmark", "layerCacheReadThroughHit", "caffeineGetIfPresent"),
          new Comparison(
              "LocalHitBenchmark", "layerCacheReadThroughHit", "caffeineWithTtlGetIfPresent"),
          new Comparison("LocalHitBenchmark", "layerCacheGetHit", "caffeineWithTtlGetIfPresent"),
          new Comparison("RedisHitBenchmark", "layerCacheGet", "rawJedisGet"),
          new Comparison("RedisHitBenchmark", "layerCacheGet", "rawJedisGetAndDecode"),
          new Comparison("MemcachedHitBenchmark", "layerCacheGetHit", "rawSpymemcachedGet"),
          new Comparison(
              "MemcachedHitBenchmark", "layerCacheGetHit", "rawSpymemcachedGetAndDecode"),
          new Comparison("MemcachedHitBenchmark", "layerCacheReadThroughHit", "rawSpymemcachedGet"),
          new Comparison("ObjectCachingBenchmark", "proxyHit", "assembleDirect"),
          new Comparison("ObjectCachingBenchmark", "proxyHit", "manualHit"),
          new Comparison("SqlQueryBenchmark", "cachedHit", "direct"),
          new Comparison("SqlQueryBenchmark", "cachedMiss", "direct"),
          new Comparison("SqlQueryBenchmark", "writeCached", "writeDirect"));

  private JmhSuite() {}

  /** A set of benchmarks run together. */
  record Group(
      String name, String description, String include, List<Integer> threads, boolean remote) {}

  /** A cached operation and the raw operation it is measured against. */
  record Comparison(String benchmarkClass, String subject, String baseline) {}

  /** One measured benchmark, reduced to what the ratio table needs. */
  record Measured(
      String benchmarkClass,
      String method,
      String params,
      int threads,
      String unit,
      boolean sampled,
      double mean,
      double p50,
      double p99,
      double bytesPerOp) {}

  /**
   * Runs the suite.
   *
   * @param args {@code --quick}, {@code --groups LIST}, {@code --out DIR}
   * @param out where tables go
   * @return the exit status: 0 if every group ran, 1 if one failed
   * @throws BenchUsageException on a bad flag
   */
  public static int run(List<String> args, PrintStream out) throws Exception {
    boolean quick = false;
    List<String> groups = new ArrayList<>();
    Path dir = Path.of("benchmark-results");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--quick":
          quick = true;
          break;
        case "--groups":
          groups.addAll(List.of(value(args, ++i, a).split(",")));
          break;
        case "--out":
          dir = Path.of(value(args, ++i, a));
          break;
        default:
          throw new BenchUsageException("unknown jmh flag '" + a + "' (see jmh --help)");
      }
    }
    List<Group> selected = select(groups);
    Files.createDirectories(dir);
    int status = 0;
    List<Measured> all = new ArrayList<>();
    for (Group g : selected) {
      out.printf(Locale.ROOT, "== %s: %s%n", g.name(), g.description());
      for (int threads : g.threads()) {
        try {
          Collection<RunResult> results = runGroup(g, threads, quick, dir);
          for (RunResult r : results) {
            all.add(measured(r));
          }
        } catch (RunnerException | RuntimeException e) {
          out.printf(
              Locale.ROOT,
              "group %s (%d threads) did not run: %s%n",
              g.name(),
              threads,
              e.getMessage());
          status = 1;
        }
      }
    }
    out.print(table(all));
    out.print(ratios(all));
    out.printf(Locale.ROOT, "JMH results: %s%n", dir.toAbsolutePath());
    return status;
  }

  /**
   * The help text of {@code jmh}.
   *
   * @return the text
   */
  public static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append(
            "Usage: java -jar layercache-examples.jar jmh [--quick] [--groups LIST] [--out DIR]\n")
        .append("\nRuns the JMH suite and prints each cached operation's ratio to the raw client\n")
        .append("measured in the same run (time and bytes allocated per operation).\n\n")
        .append("  --quick        one short fork per benchmark (a smoke run; ratios are rough)\n")
        .append("  --groups LIST  groups to run (default: all):\n");
    for (Group g : GROUPS) {
      sb.append(
          String.format(Locale.ROOT, "                   %-10s %s%n", g.name(), g.description()));
    }
    sb.append("  --out DIR      where JMH's JSON results go (default: benchmark-results)\n");
    return sb.toString();
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new BenchUsageException(flag + " needs a value");
    }
    return args.get(i);
  }

  static List<Group> select(List<String> names) {
    if (names.isEmpty()) {
      return GROUPS;
    }
    List<Group> out = new ArrayList<>();
    for (String n : names) {
      Group found = null;
      for (Group g : GROUPS) {
        if (g.name().equals(n.trim())) {
          found = g;
        }
      }
      if (found == null) {
        throw new BenchUsageException(
            "unknown jmh group '" + n + "': choose from local, redis, memcached, sql");
      }
      out.add(found);
    }
    return out;
  }

  private static Collection<RunResult> runGroup(Group g, int threads, boolean quick, Path dir)
      throws RunnerException {
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include("dev\\.layercache\\.examples\\.jmh\\.(" + g.include() + ")\\.")
            .threads(threads)
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .resultFormat(ResultFormatType.JSON)
            .result(dir.resolve("jmh-" + g.name() + "-t" + threads + ".json").toString());
    if (quick) {
      o.forks(1)
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(1));
    } else if (g.remote()) {
      // Loopback latency moves 30-50% between forks here: three forks, medians reported.
      o.forks(3)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2));
    }
    return new Runner(o.build()).run();
  }

  static Measured measured(RunResult r) {
    BenchmarkParams p = r.getParams();
    String full = p.getBenchmark();
    String method = full.substring(full.lastIndexOf('.') + 1);
    String cls = full.substring(0, full.lastIndexOf('.'));
    cls = cls.substring(cls.lastIndexOf('.') + 1);
    Map<String, String> params = new TreeMap<>();
    for (String k : p.getParamsKeys()) {
      params.put(k, p.getParam(k));
    }
    Result<?> primary = r.getPrimaryResult();
    boolean sampled = p.getMode() == org.openjdk.jmh.annotations.Mode.SampleTime;
    Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
    return new Measured(
        cls,
        method,
        params.isEmpty() ? "" : params.toString(),
        p.getThreads(),
        primary.getScoreUnit(),
        sampled,
        primary.getScore(),
        sampled ? primary.getStatistics().getPercentile(50) : Double.NaN,
        sampled ? primary.getStatistics().getPercentile(99) : Double.NaN,
        alloc == null ? Double.NaN : alloc.getScore());
  }

  /** Every result as measured. */
  static String table(List<Measured> all) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%n%-58s %3s %8s %10s %10s %10s%n",
            "benchmark",
            "thr",
            "unit",
            "mean/p50",
            "p99",
            "B/op"));
    for (Measured m : all) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-58s %3d %8s %10s %10s %10s%n",
              label(m),
              m.threads(),
              m.unit(),
              number(m.sampled() ? m.p50() : m.mean()),
              m.sampled() ? number(m.p99()) : "-",
              number(m.bytesPerOp())));
    }
    return sb.toString();
  }

  /** Each comparison whose two sides ran, as ratios: below 1 the cached operation is cheaper. */
  static String ratios(List<Measured> all) {
    Map<String, Measured> byId = new LinkedHashMap<>();
    for (Measured m : all) {
      byId.put(id(m.benchmarkClass(), m.method(), m.params(), m.threads()), m);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nRatios to the raw operation of the same run (time: mean, or p50 and p99; B/op)%n"));
    for (Measured subject : all) {
      for (Comparison c : COMPARISONS) {
        if (!c.benchmarkClass().equals(subject.benchmarkClass())
            || !c.subject().equals(subject.method())) {
          continue;
        }
        Measured base =
            byId.get(id(c.benchmarkClass(), c.baseline(), subject.params(), subject.threads()));
        if (base == null) {
          continue;
        }
        String time =
            subject.sampled()
                ? String.format(
                    Locale.ROOT,
                    "p50 %sx  p99 %sx",
                    ratio(subject.p50(), base.p50()),
                    ratio(subject.p99(), base.p99()))
                : String.format(Locale.ROOT, "mean %sx", ratio(subject.mean(), base.mean()));
        sb.append(
            String.format(
                Locale.ROOT,
                "  %s vs %s%s, %d thread%s: %s  B/op %sx%n",
                c.subject(),
                c.baseline(),
                subject.params().isEmpty() ? "" : " " + subject.params(),
                subject.threads(),
                subject.threads() == 1 ? "" : "s",
                time,
                bytesRatio(subject.bytesPerOp(), base.bytesPerOp())));
      }
    }
    return sb.toString();
  }

  private static String id(String cls, String method, String params, int threads) {
    return cls + '.' + method + params + '@' + threads;
  }

  private static String label(Measured m) {
    return m.benchmarkClass() + '.' + m.method() + (m.params().isEmpty() ? "" : " " + m.params());
  }

  /** Below one byte per operation JMH reports rounding noise: both allocate nothing. */
  static String bytesRatio(double subject, double base) {
    return subject < 1 && base < 1 ? "- (both 0)" : ratio(subject, base);
  }

  static String ratio(double subject, double base) {
    if (Double.isNaN(subject) || Double.isNaN(base)) {
      return "-";
    }
    if (base == 0) {
      return subject == 0 ? "1.00" : "inf";
    }
    return String.format(Locale.ROOT, "%.2f", subject / base);
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }
}
