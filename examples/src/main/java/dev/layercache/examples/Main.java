package dev.layercache.examples;

import dev.layercache.examples.bench.BenchConfig;
import dev.layercache.examples.bench.BenchUnavailableException;
import dev.layercache.examples.bench.BenchUsageException;
import dev.layercache.examples.bench.Benchmark;
import dev.layercache.examples.jmh.JmhSuite;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The command line of the examples: {@code bench} (the default) runs the pattern benchmark, {@code
 * jmh} runs the JMH suite with ratios to the raw clients, {@code help} or {@code --help} explains
 * every flag. A bad flag or an unreachable server prints one line.
 */
public final class Main {
  /** Exit status of a bad command line. */
  public static final int USAGE = 2;

  /** Exit status when something asked for is missing from the build or does not answer. */
  public static final int UNAVAILABLE = 3;

  private Main() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // The pool and the cache log through slf4j-simple; keep their start-up chatter out of the
    // table.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(run(args, System.out, System.err, System.getenv(), System.console() != null));
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments
   * @param out where results go
   * @param err where error lines go
   * @param env the environment, for default server addresses
   * @param terminal whether {@code out} is a terminal (progress rewrites one line)
   * @return the exit status: 0 success, 1 stale reads or failed requests, 2 bad command line, 3
   *     unavailable
   */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String command = "bench";
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      command = rest.remove(0);
    }
    try {
      switch (command) {
        case "help":
          out.print(BenchConfig.usage());
          return 0;
        case "jmh":
          if (BenchConfig.wantsHelp(rest)) {
            out.print(JmhSuite.usage());
            return 0;
          }
          return JmhSuite.run(rest, out);
        case "bench":
          if (BenchConfig.wantsHelp(rest)) {
            out.print(BenchConfig.usage());
            return 0;
          }
          BenchConfig config = BenchConfig.parse(rest, env);
          return new Benchmark(config, out, terminal).run();
        default:
          throw new BenchUsageException(
              "unknown command '" + command + "': use bench, jmh or help (see --help)");
      }
    } catch (BenchUsageException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    } catch (BenchUnavailableException e) {
      err.println("error: " + e.getMessage());
      return UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return UNAVAILABLE;
    } catch (Exception e) {
      err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    }
  }
}
