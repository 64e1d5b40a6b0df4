package dev.layercache.examples.bench;

import dev.layercache.examples.blog.DataSize;
import dev.layercache.examples.blog.SqlDialect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark's settings, parsed from the command line by {@link #parse}. Immutable.
 *
 * @param patterns the patterns to run; empty for every available one
 * @param backends the backends to run on; empty for local plus every reachable remote one
 * @param dbUrl the JDBC URL of the database
 * @param dbUser the database user, or empty
 * @param dbPassword the database password, or empty
 * @param threads client threads of the closed loop
 * @param duration how long each run measures, unless {@code operations} is set
 * @param operations how many operations each run measures, or 0 to measure for {@code duration}
 * @param warmup how long each run warms up before measuring
 * @param writePercent the share of writes, 0 to 100
 * @param size the data size
 * @param seed the random seed of data and workload
 * @param theta the Zipfian skew of key popularity
 * @param sweep whether to measure latency against load
 * @param sweepThreads the closed-loop thread counts of the sweep
 * @param sweepRates the open-loop arrival rates of the sweep, in percent of the best closed-loop
 *     throughput
 * @param sweepPoint how long each sweep point measures
 * @param outputDir where the JSON and HTML reports go
 * @param progress whether to show a progress line
 * @param redisUri the Redis server
 * @param memcachedServers the Memcached servers, {@code host:port} separated by commas
 */
public record BenchConfig(
    List<String> patterns,
    List<String> backends,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int threads,
    Duration duration,
    long operations,
    Duration warmup,
    int writePercent,
    DataSize size,
    long seed,
    double theta,
    boolean sweep,
    List<Integer> sweepThreads,
    List<Integer> sweepRates,
    Duration sweepPoint,
    Path outputDir,
    boolean progress,
    String redisUri,
    String memcachedServers) {

  /** The embedded default database: H2 in memory, kept while the process runs. */
  public static final String DEFAULT_DB_URL =
      "jdbc:h2:mem:layercache-blog;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";

  /** The default Redis address, unless {@code LAYERCACHE_REDIS_URL} is set. */
  public static final String DEFAULT_REDIS = "redis://localhost:6379";

  /** The default Memcached address, unless {@code LAYERCACHE_MEMCACHED} is set. */
  public static final String DEFAULT_MEMCACHED = "localhost:11211";

  /** Copies the lists so the record stays immutable. */
  public BenchConfig {
    patterns = List.copyOf(patterns);
    backends = List.copyOf(backends);
    sweepThreads = List.copyOf(sweepThreads);
    sweepRates = List.copyOf(sweepRates);
  }

  /** The flags, their value placeholder and their help text, in the order shown by --help. */
  private static final String[][] FLAGS = {
    {
      "--patterns",
      "LIST",
      "patterns to compare: none, query, object, annotated, near"
          + " (default: every one this build has)"
    },
    {
      "--backends",
      "LIST",
      "cache backends: local, redis, memcached (default: local; a named remote backend"
          + " whose server does not answer stops the run with one line)"
    },
    {
      "--db",
      "URL",
      "JDBC URL: jdbc:h2:..., jdbc:postgresql://..., jdbc:mariadb://..."
          + " (default: H2 in memory). Tables named blog_* are dropped and recreated"
    },
    {"--db-user", "NAME", "database user (default: none, or from the URL)"},
    {"--db-password", "SECRET", "database password (default: none)"},
    {"--redis", "URI", "Redis server (default: $LAYERCACHE_REDIS_URL or " + DEFAULT_REDIS + ")"},
    {
      "--memcached",
      "HOSTS",
      "Memcached servers host:port[,host:port] (default:"
          + " $LAYERCACHE_MEMCACHED or "
          + DEFAULT_MEMCACHED
          + ")"
    },
    {"--threads", "N", "client threads of each run (default: 4)"},
    {"--duration", "TIME", "measuring time per run, e.g. 15s, 2m, 500ms (default: 15s)"},
    {"--ops", "N", "measure N operations per run instead of a duration"},
    {"--warmup", "TIME", "warm-up time per run, not measured (default: 5s)"},
    {"--mix", "R/W", "read/write mix in percent (default: 95/5)"},
    {"--size", "SIZE", "data size: tiny, small, medium, large (default: small, 2,000 users)"},
    {"--seed", "N", "random seed of data and workload (default: 42)"},
    {"--zipf", "THETA", "skew of key popularity, 0 < theta < 1 (default: 0.99, as YCSB)"},
    {
      "--sweep",
      "",
      "also measure latency against load: closed loop at each --sweep-threads,"
          + " open loop at each --sweep-rates"
    },
    {"--sweep-threads", "LIST", "closed-loop thread counts of the sweep (default: 1,2,4,8)"},
    {
      "--sweep-rates",
      "LIST",
      "open-loop rates in percent of the best closed-loop throughput"
          + " (default: 25,50,75,90,100,120)"
    },
    {"--sweep-point", "TIME", "measuring time of each sweep point (default: 4s)"},
    {"--out", "DIR", "directory of the JSON and HTML reports (default: benchmark-results)"},
    {"--no-progress", "", "do not show the progress line"},
    {"--help", "", "show this help"},
  };

  /**
   * The help text.
   *
   * @return the text shown by {@code --help}
   */
  public static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar layercache-examples.jar [bench] [FLAGS]\n\n")
        .append(
            "Runs a small blog application (two application servers sharing one cache) under a\n")
        .append("Zipfian read/write workload and compares caching patterns and backends:\n")
        .append("throughput, latency percentiles, hit ratio, database statements and cache bytes\n")
        .append("per request, and stale reads (must be 0). Writes a table to the terminal and a\n")
        .append("JSON file and an HTML report (no network needed) to the output directory.\n\n")
        .append("Commands:\n")
        .append("  bench   run the benchmark (default)\n")
        .append("  jmh     run the JMH suite: ratios to the raw clients (jmh --help)\n")
        .append("  help    show this help\n\n")
        .append("Flags:\n");
    for (String[] f : FLAGS) {
      String name = f[1].isEmpty() ? f[0] : f[0] + " " + f[1];
      sb.append(String.format(Locale.ROOT, "  %-22s %s%n", name, f[2]));
    }
    sb.append("\nExit status: 0 success, 1 stale reads or failed requests, 2 bad command line,\n")
        .append("3 something asked for is unavailable or unreachable.\n");
    return sb.toString();
  }

  /**
   * Parses flags ({@code --name value} or {@code --name=value}).
   *
   * @param args the flags, without the command
   * @param env the environment, for default server addresses
   * @return the settings
   * @throws BenchUsageException with one line naming the bad flag or value
   */
  public static BenchConfig parse(List<String> args, Map<String, String> env) {
    Map<String, @Nullable String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      @Nullable String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String[] flag = find(name);
      if (flag == null) {
        throw new BenchUsageException(
            arg.startsWith("-")
                ? "unknown flag '" + name + "' (see --help)"
                : "unexpected argument '" + arg + "' (see --help)");
      }
      if (flag[1].isEmpty()) {
        if (value != null) {
          throw new BenchUsageException("flag " + name + " takes no value");
        }
      } else if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new BenchUsageException("flag " + name + " needs a value: " + name + " " + flag[1]);
        }
        value = args.get(++i);
      }
      if (given.containsKey(name)) {
        throw new BenchUsageException("flag " + name + " is given twice");
      }
      given.put(name, value);
    }
    if (given.containsKey("--ops") && given.containsKey("--duration")) {
      throw new BenchUsageException("give --duration or --ops, not both");
    }
    int[] mix = mix(value(given, "--mix", "95/5"));
    String db = value(given, "--db", DEFAULT_DB_URL);
    try {
      SqlDialect.fromUrl(db);
    } catch (IllegalArgumentException e) {
      throw new BenchUsageException("bad --db: " + e.getMessage());
    }
    DataSize size;
    try {
      size = DataSize.named(value(given, "--size", "small"));
    } catch (IllegalArgumentException e) {
      throw new BenchUsageException("bad --size: " + e.getMessage());
    }
    double theta = number(given, "--zipf", "0.99");
    if (!(theta > 0 && theta < 1)) {
      throw new BenchUsageException("bad --zipf " + theta + ": must be between 0 and 1");
    }
    return new BenchConfig(
        names(given, "--patterns"),
        names(given, "--backends"),
        db,
        value(given, "--db-user", ""),
        value(given, "--db-password", ""),
        (int) integer(given, "--threads", "4", 1, 1024),
        duration(given, "--duration", "15s"),
        integer(given, "--ops", "0", 0, Long.MAX_VALUE),
        duration(given, "--warmup", "5s"),
        mix[1],
        size,
        integer(given, "--seed", "42", Long.MIN_VALUE, Long.MAX_VALUE),
        theta,
        given.containsKey("--sweep"),
        integers(given, "--sweep-threads", "1,2,4,8", 1, 1024),
        integers(given, "--sweep-rates", "25,50,75,90,100,120", 1, 1000),
        duration(given, "--sweep-point", "4s"),
        Path.of(value(given, "--out", "benchmark-results")),
        !given.containsKey("--no-progress"),
        value(given, "--redis", env.getOrDefault("LAYERCACHE_REDIS_URL", DEFAULT_REDIS)),
        value(given, "--memcached", env.getOrDefault("LAYERCACHE_MEMCACHED", DEFAULT_MEMCACHED)));
  }

  /**
   * Whether {@code --help} is among the arguments.
   *
   * @param args the arguments
   * @return true if help was asked for
   */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  private static String @Nullable [] find(String name) {
    for (String[] f : FLAGS) {
      if (f[0].equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static String value(Map<String, @Nullable String> given, String flag, String dflt) {
    String v = given.get(flag);
    return v == null ? dflt : v;
  }

  private static List<String> names(Map<String, @Nullable String> given, String flag) {
    String v = given.get(flag);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (String part : v.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        throw new BenchUsageException("bad " + flag + " '" + v + "': empty name in the list");
      }
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static long integer(
      Map<String, @Nullable String> given, String flag, String dflt, long min, long max) {
    String v = value(given, flag, dflt).replace("_", "");
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BenchUsageException("bad " + flag + " '" + v + "': not a whole number");
    }
    if (n < min || n > max) {
      throw new BenchUsageException(
          "bad " + flag + " " + n + ": must be between " + min + " and " + max);
    }
    return n;
  }

  private static List<Integer> integers(
      Map<String, @Nullable String> given, String flag, String dflt, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (String part : value(given, flag, dflt).split(",")) {
      Map<String, @Nullable String> one = new LinkedHashMap<>();
      one.put(flag, part.trim());
      out.add((int) integer(one, flag, "0", min, max));
    }
    return out;
  }

  private static double number(Map<String, @Nullable String> given, String flag, String dflt) {
    String v = value(given, flag, dflt);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new BenchUsageException("bad " + flag + " '" + v + "': not a number");
    }
  }

  private static int[] mix(String v) {
    String[] parts = v.split("[/:]");
    try {
      if (parts.length == 2) {
        int r = Integer.parseInt(parts[0].trim());
        int w = Integer.parseInt(parts[1].trim());
        if (r >= 0 && w >= 0 && r + w == 100) {
          return new int[] {r, w};
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new BenchUsageException(
        "bad --mix '" + v + "': give reads/writes in percent adding up to 100, such as 95/5");
  }

  /**
   * Parses a duration such as {@code 15s}, {@code 2m}, {@code 500ms}, or a number of seconds.
   *
   * @param flag the flag, for the message
   * @param text the text
   * @return the duration
   * @throws BenchUsageException if it is not a positive duration
   */
  static Duration parseDuration(String flag, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e3));
      } else if (t.endsWith("m")) {
        d = Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1e3));
      }
      if (!d.isNegative()) {
        return d;
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new BenchUsageException("bad " + flag + " '" + text + "': use a time such as 15s, 2m");
  }

  private static Duration duration(Map<String, @Nullable String> given, String flag, String dflt) {
    Duration d = parseDuration(flag, value(given, flag, dflt));
    if (d.isZero() && !flag.equals("--warmup")) {
      throw new BenchUsageException("bad " + flag + ": must be longer than 0");
    }
    return d;
  }

  /**
   * The read share in percent.
   *
   * @return 100 minus the write share
   */
  public int readPercent() {
    return 100 - writePercent;
  }
}
