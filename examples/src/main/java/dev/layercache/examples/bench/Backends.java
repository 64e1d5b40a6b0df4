package dev.layercache.examples.bench;

import dev.layercache.local.LocalBackend;
import dev.layercache.spi.CacheBackend;
import java.util.List;

/**
 * The cache backends the benchmark can run on. Remote backends are used when their module is part
 * of the build; the default run adds them only when their server answers.
 */
public final class Backends {
  /** Every backend name, in report order. */
  public static final List<String> NAMES = List.of("local", "redis", "memcached");

  /** Entries the local backend holds: enough for the whole medium data set. */
  public static final long LOCAL_MAXIMUM_SIZE = 500_000;

  private Backends() {}

  /**
   * Whether this build can create a backend.
   *
   * @param name a backend name
   * @return true if {@link #create} works for it
   */
  public static boolean inBuild(String name) {
    return name.equals("local");
  }

  /**
   * Checks a backend name.
   *
   * @param name a backend name
   * @throws BenchUsageException if no backend has that name
   * @throws BenchUnavailableException if it is not in this build
   */
  public static void requireAvailable(String name) {
    if (!NAMES.contains(name)) {
      throw new BenchUsageException(
          "unknown backend '" + name + "': choose from " + String.join(", ", NAMES));
    }
    if (!inBuild(name)) {
      throw new BenchUnavailableException(
          "backend '"
              + name
              + "' is not available in this build: module cache-"
              + name
              + " has no backend class yet");
    }
  }

  /**
   * Creates a backend for one run.
   *
   * @param name a backend name
   * @param config the command line, for server addresses
   * @return a new backend; the caller closes it
   * @throws BenchUnavailableException if it is not in this build or its server does not answer
   */
  public static CacheBackend create(String name, BenchConfig config) {
    requireAvailable(name);
    return LocalBackend.builder().maximumSize(LOCAL_MAXIMUM_SIZE).build();
  }
}
