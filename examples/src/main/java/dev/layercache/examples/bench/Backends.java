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
    return NAMES.contains(name);
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
    switch (name) {
      case "redis":
        {
          java.net.URI uri = java.net.URI.create(config.redisUri());
          requireAnswering("Redis", uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
          return dev.layercache.redis.RedisBackend.builder().uri(config.redisUri()).build();
        }
      case "memcached":
        {
          String servers = config.memcachedServers().replace(',', ' ').trim();
          for (String server : servers.split("\\s+")) {
            int colon = server.lastIndexOf(':');
            requireAnswering(
                "Memcached",
                colon < 0 ? server : server.substring(0, colon),
                colon < 0 ? 11211 : Integer.parseInt(server.substring(colon + 1)));
          }
          return dev.layercache.memcached.MemcachedBackend.builder().servers(servers).build();
        }
      default:
        return LocalBackend.builder().maximumSize(LOCAL_MAXIMUM_SIZE).build();
    }
  }

  private static void requireAnswering(String what, String host, int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(host, port), 1000);
    } catch (java.io.IOException e) {
      throw new BenchUnavailableException(
          what + " at " + host + ":" + port + " does not answer (" + e.getMessage() + ")");
    }
  }
}
