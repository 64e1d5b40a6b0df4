package dev.layercache.examples.jmh;

import dev.layercache.examples.bench.BenchUsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Remote groups run in <em>rounds</em>: each round gives every benchmark of the group one fork,
 * one after the other, so that a cached operation and its baseline are measured within about a
 * minute of each other. Loopback latency on small virtual machines moves 30-50% between forks,
 * mostly with where the scheduler puts the client and server threads; a ratio taken inside one
 * round cancels what the two forks share, and the median over rounds drops the rounds where they
 * did not. The table shows each benchmark's median over rounds; the ratios are the medians of the
 * per-round ratios, with their range.
 *
 * <pre>
 * java -jar examples/target/layercache-examples.jar jmh            # the full suite, about 40 min
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
              "local hits, a remote hit's processor time, key derivation, object caching",
              "LocalHitBenchmark|RemoteHitCpuBenchmark|KeyDerivationBenchmark|ObjectCachingBenchmark",
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
          new Comparison("RemoteHitCpuBenchmark", "layerCacheHit", "jacksonDecode"),
          new Comparison("RedisHitBenchmark", "layerCacheGet", "rawJedisGet"),
          new Comparison("RedisHitBenchmark", "layerCacheGet", "rawJedisGetAndDecode"),
          new Comparison("RedisHitBenchmark", "layerCacheGetScripted", "rawJedisGet"),
          new Comparison("RedisHitBenchmark", "rawJedisMgetOfEntryAndVersion", "rawJedisGet"),
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

  /** Rounds of a remote group when {@code --rounds} is not given. */
  static final int DEFAULT_ROUNDS = 5;

  /** One measured benchmark fork (or forks, outside rounds), reduced to what the tables need. */
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
      double bytesPerOp,
      int round) {}

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
    int rounds = DEFAULT_ROUNDS;
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
        case "--rounds":
          String r = value(args, ++i, a);
          try {
            rounds = Integer.parseInt(r);
          } catch (NumberFormatException e) {
            rounds = 0;
          }
          if (rounds < 1 || rounds > 50) {
            throw new BenchUsageException("--rounds must be 1 to 50, was '" + r + "'");
          }
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
      int groupRounds = g.remote() && !quick ? rounds : 1;
      for (int threads : g.threads()) {
        for (int round = 1; round <= groupRounds; round++) {
          if (groupRounds > 1) {
            out.printf(
                Locale.ROOT, "   %d thread(s), round %d of %d%n", threads, round, groupRounds);
          }
          try {
            Collection<RunResult> results = runGroup(g, threads, quick, dir, round, groupRounds);
            for (RunResult r : results) {
              all.add(measured(r, round));
            }
          } catch (RunnerException | RuntimeException e) {
            out.printf(
                Locale.ROOT,
                "group %s (%d threads, round %d) did not run: %s%n",
                g.name(),
                threads,
                round,
                e.getMessage());
            status = 1;
          }
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
            "Usage: java -jar layercache-examples.jar jmh [--quick] [--rounds N] [--groups LIST]"
                + " [--out DIR]\n")
        .append("\nRuns the JMH suite and prints each cached operation's ratio to the raw client\n")
        .append("measured in the same run (time and bytes allocated per operation).\n\n")
        .append("  --quick        one short fork per benchmark (a smoke run; ratios are rough)\n")
        .append(
            "  --rounds N     rounds of the remote groups, one fork per benchmark each (default "
                + DEFAULT_ROUNDS
                + ")\n")
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

  private static Collection<RunResult> runGroup(
      Group g, int threads, boolean quick, Path dir, int round, int rounds) throws RunnerException {
    String file = "jmh-" + g.name() + "-t" + threads + (rounds > 1 ? "-r" + round : "") + ".json";
    ChainedOptionsBuilder o =
        new OptionsBuilder()
            .include("dev\\.layercache\\.examples\\.jmh\\.(" + g.include() + ")\\.")
            .threads(threads)
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .resultFormat(ResultFormatType.JSON)
            .result(dir.resolve(file).toString());
    if (quick) {
      o.forks(1)
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(1));
    } else if (g.remote()) {
      // One fork per benchmark and round; the rounds give the forks (see the class comment).
      o.forks(1)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2));
    }
    return new Runner(o.build()).run();
  }

  static Measured measured(RunResult r, int round) {
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
        alloc == null ? Double.NaN : alloc.getScore(),
        round);
  }

  /** Every benchmark, with the median over its rounds of each figure. */
  static String table(List<Measured> all) {
    Map<String, List<Measured>> byId = new LinkedHashMap<>();
    for (Measured m : all) {
      byId.computeIfAbsent(
              id(m.benchmarkClass(), m.method(), m.params(), m.threads()), k -> new ArrayList<>())
          .add(m);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%n%-58s %3s %6s %8s %10s %10s %10s%n",
            "benchmark",
            "thr",
            "rounds",
            "unit",
            "mean/p50",
            "p99",
            "B/op"));
    for (List<Measured> runs : byId.values()) {
      Measured m = runs.get(0);
      sb.append(
          String.format(
              Locale.ROOT,
              "%-58s %3d %6d %8s %10s %10s %10s%n",
              label(m),
              m.threads(),
              runs.size(),
              m.unit(),
              number(median(runs, x -> x.sampled() ? x.p50() : x.mean())),
              m.sampled() ? number(median(runs, Measured::p99)) : "-",
              number(median(runs, Measured::bytesPerOp))));
    }
    return sb.toString();
  }

  /** Each comparison whose two sides ran, as ratios: below 1 the cached operation is cheaper. */
  static String ratios(List<Measured> all) {
    Map<String, Measured> byId = new LinkedHashMap<>();
    for (Measured m : all) {
      byId.put(id(m.benchmarkClass(), m.method(), m.params(), m.threads()) + '#' + m.round(), m);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nRatios to the raw operation of the same run (time: mean, or p50 and p99; B/op);"
                + "%nwith rounds, the median of the per-round ratios and [their range]%n"));
    // One series per comparison, parameters and threads; one ratio triple per round.
    Map<String, Series> series = new LinkedHashMap<>();
    for (Measured subject : all) {
      for (Comparison c : COMPARISONS) {
        if (!c.benchmarkClass().equals(subject.benchmarkClass())
            || !c.subject().equals(subject.method())) {
          continue;
        }
        Measured base =
            byId.get(
                id(c.benchmarkClass(), c.baseline(), subject.params(), subject.threads())
                    + '#'
                    + subject.round());
        if (base == null) {
          continue;
        }
        series
            .computeIfAbsent(
                c.subject() + '|' + c.baseline() + '|' + subject.params() + '|' + subject.threads(),
                k -> new Series(c, subject, new ArrayList<>()))
            .rounds()
            .add(
                new double[] {
                  subject.sampled() ? subject.p50() / base.p50() : subject.mean() / base.mean(),
                  subject.p99() / base.p99(),
                  bytesQuotient(subject.bytesPerOp(), base.bytesPerOp())
                });
      }
    }
    for (Series e : series.values()) {
      Measured subject = e.subject();
      List<double[]> r = e.rounds();
      String time =
          subject.sampled()
              ? String.format(Locale.ROOT, "p50 %s  p99 %s", summary(r, 0), summary(r, 1))
              : String.format(Locale.ROOT, "mean %s", summary(r, 0));
      sb.append(
          String.format(
              Locale.ROOT,
              "  %s vs %s%s, %d thread%s: %s  B/op %s%n",
              e.comparison().subject(),
              e.comparison().baseline(),
              subject.params().isEmpty() ? "" : " " + subject.params(),
              subject.threads(),
              subject.threads() == 1 ? "" : "s",
              time,
              bytesBothZero(r) ? "- (both 0)" : summary(r, 2)));
    }
    return sb.toString();
  }

  /**
   * The rounds of one comparison: its first subject measurement (for the labels) and, per round,
   * the time ratio (mean or p50), the p99 ratio and the bytes ratio.
   */
  private record Series(Comparison comparison, Measured subject, List<double[]> rounds) {}

  /** The median of one column of per-round ratios, and their range when there are several. */
  static String summary(List<double[]> rounds, int column) {
    double[] v = new double[rounds.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = rounds.get(i)[column];
    }
    double med = median(v);
    if (Double.isNaN(med)) {
      return "-";
    }
    if (v.length == 1) {
      return String.format(Locale.ROOT, "%.2fx", med);
    }
    Arrays.sort(v);
    return String.format(Locale.ROOT, "%.2fx [%.2f-%.2f]", med, v[0], v[v.length - 1]);
  }

  private static boolean bytesBothZero(List<double[]> rounds) {
    for (double[] r : rounds) {
      if (!Double.isNaN(r[2])) {
        return false;
      }
    }
    return true;
  }

  /** Below one byte per operation JMH reports rounding noise: both allocate nothing (NaN). */
  private static double bytesQuotient(double subject, double base) {
    return subject < 1 && base < 1 ? Double.NaN : subject / base;
  }

  private static double median(
      List<Measured> runs, java.util.function.ToDoubleFunction<Measured> f) {
    double[] v = new double[runs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(runs.get(i));
    }
    return median(v);
  }

  /** The median, NaN values left out; NaN if none is left. */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  private static String id(String cls, String method, String params, int threads) {
    return cls + '.' + method + params + '@' + threads;
  }

  private static String label(Measured m) {
    return m.benchmarkClass() + '.' + m.method() + (m.params().isEmpty() ? "" : " " + m.params());
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
