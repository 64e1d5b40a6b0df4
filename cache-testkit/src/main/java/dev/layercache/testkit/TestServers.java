package dev.layercache.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Real servers for integration tests, never mocks. Each server is found in this order:
 *
 * <ol>
 *   <li>an address from the environment: {@code LAYERCACHE_REDIS_URL}, {@code
 *       LAYERCACHE_MEMCACHED}, {@code LAYERCACHE_POSTGRES_URL}, {@code LAYERCACHE_MARIADB_URL};
 *   <li>a server binary on the {@code PATH} ({@code redis-server}, {@code memcached}) started on a
 *       free loopback port and stopped when the JVM exits; for PostgreSQL and MariaDB, a server
 *       answering on its standard loopback port;
 *   <li>Testcontainers, where a Docker daemon answers;
 * </ol>
 *
 * and otherwise the test fails with a message saying what to install. Integration tests are never
 * skipped, with {@code CI=true} least of all.
 *
 * <p>Tests that provoke faults (pause, kill, restart) need a process of their own: {@link
 * #startRedis(String...)} and {@link #startMemcached(String...)} always start one from the binary.
 */
public final class TestServers {
  private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

  private TestServers() {}

  /**
   * A Redis server shared by the tests of this JVM.
   *
   * @return a {@code redis://host:port} URI
   */
  public static String redisUri() {
    return SHARED.computeIfAbsent(
        "redis",
        k -> {
          String env = System.getenv("LAYERCACHE_REDIS_URL");
          if (env != null && !env.isBlank()) {
            return env;
          }
          if (onPath("redis-server")) {
            ServerProcess p = startRedis();
            return "redis://127.0.0.1:" + p.port();
          }
          return ContainerServers.redis()
              .orElseThrow(
                  () -> missing("Redis", "apt-get install redis-server", "LAYERCACHE_REDIS_URL"));
        });
  }

  /**
   * A memcached server shared by the tests of this JVM.
   *
   * @return {@code host:port}
   */
  public static String memcachedAddress() {
    return SHARED.computeIfAbsent(
        "memcached",
        k -> {
          String env = System.getenv("LAYERCACHE_MEMCACHED");
          if (env != null && !env.isBlank()) {
            return env;
          }
          if (onPath("memcached")) {
            ServerProcess p = startMemcached();
            return "127.0.0.1:" + p.port();
          }
          return ContainerServers.memcached()
              .orElseThrow(
                  () -> missing("memcached", "apt-get install memcached", "LAYERCACHE_MEMCACHED"));
        });
  }

  /**
   * A PostgreSQL database for tests.
   *
   * @return a JDBC URL including the user
   */
  public static String postgresUrl() {
    return SHARED.computeIfAbsent(
        "postgres",
        k ->
            database(
                "LAYERCACHE_POSTGRES_URL",
                5432,
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                "PostgreSQL",
                "apt-get install postgresql (and create database test)",
                ContainerServers::postgres));
  }

  /**
   * A MariaDB database for tests.
   *
   * @return a JDBC URL including the user
   */
  public static String mariadbUrl() {
    return SHARED.computeIfAbsent(
        "mariadb",
        k ->
            database(
                "LAYERCACHE_MARIADB_URL",
                3306,
                "jdbc:mariadb://127.0.0.1:3306/test?user=root",
                "MariaDB",
                "apt-get install mariadb-server (and create database test)",
                ContainerServers::mariadb));
  }

  /**
   * Starts a new {@code redis-server} of the caller's own, on a free loopback port, without
   * persistence. Should another process take the port first, another one is tried.
   *
   * @param extraArgs further arguments, such as {@code "--maxmemory", "2mb"}
   * @return the process; close it when done
   */
  public static ServerProcess startRedis(String... extraArgs) {
    requireBinary("redis-server", "apt-get install redis-server");
    return ServerProcess.start(
        "redis",
        port -> {
          List<String> cmd =
              ServerProcess.command(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--protected-mode",
                  "no");
          cmd.addAll(List.of(extraArgs));
          return cmd;
        },
        Map.of());
  }

  /**
   * Starts a new {@code memcached} of the caller's own on a free loopback port. Should another
   * process take the port first, another one is tried.
   *
   * @param extraArgs further arguments, such as {@code "-m", "8"}
   * @return the process; close it when done
   */
  public static ServerProcess startMemcached(String... extraArgs) {
    return startMemcached(Map.of(), extraArgs);
  }

  /**
   * Starts a new {@code memcached} of the caller's own on a free loopback port, with variables
   * added to its environment (such as {@code SASL_CONF_PATH}).
   *
   * @param environment variables to add
   * @param extraArgs further arguments, such as {@code "-S"}
   * @return the process; close it when done
   */
  public static ServerProcess startMemcached(Map<String, String> environment, String... extraArgs) {
    requireBinary("memcached", "apt-get install memcached");
    return ServerProcess.start(
        "memcached",
        port -> {
          List<String> cmd =
              ServerProcess.command(
                  "memcached", "-p", Integer.toString(port), "-l", "127.0.0.1", "-U", "0");
          if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("-u");
            cmd.add("root");
          }
          cmd.addAll(List.of(extraArgs));
          return cmd;
        },
        environment);
  }

  /**
   * A loopback port that was free a moment ago.
   *
   * @return the port
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a command is an executable on the {@code PATH}.
   *
   * @param command the command
   * @return true if found
   */
  public static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, command);
      if (f.isFile() && f.canExecute()) {
        return true;
      }
    }
    return false;
  }

  private static void requireBinary(String binary, String install) {
    if (!onPath(binary)) {
      throw new AssertionError(
          binary
              + " is not on the PATH; this test needs a real process it can pause and kill."
              + " Install it ("
              + install
              + ") or run the project's test script, which installs it.");
    }
  }

  private static String database(
      String envVar,
      int port,
      String localUrl,
      String what,
      String install,
      java.util.function.Supplier<Optional<String>> container) {
    String env = System.getenv(envVar);
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (listening(port)) {
      return localUrl;
    }
    return container.get().orElseThrow(() -> missing(what, install, envVar));
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static AssertionError missing(String what, String install, String envVar) {
    String ci = "true".equalsIgnoreCase(System.getenv("CI")) ? " (CI=true: never skipped)" : "";
    return new AssertionError(
        "No "
            + what
            + " server for integration tests"
            + ci
            + ". Install one ("
            + install
            + "), set "
            + envVar
            + ", or make a Docker daemon available for Testcontainers.");
  }

  /** Testcontainers, loaded only when needed so the test kit works without it. */
  private static final class ContainerServers {
    static Optional<String> redis() {
      return start("redis:7-alpine", 6379, Map.of(), null).map(hp -> "redis://" + hp);
    }

    static Optional<String> memcached() {
      return start("memcached:1.6-alpine", 11211, Map.of(), null);
    }

    static Optional<String> postgres() {
      return start(
              "postgres:16-alpine",
              5432,
              Map.of("POSTGRES_HOST_AUTH_METHOD", "trust", "POSTGRES_DB", "test"),
              ".*database system is ready to accept connections.*")
          .map(hp -> "jdbc:postgresql://" + hp + "/test?user=postgres");
    }

    static Optional<String> mariadb() {
      return start(
              "mariadb:11",
              3306,
              Map.of("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1", "MARIADB_DATABASE", "test"),
              ".*ready for connections.*")
          .map(hp -> "jdbc:mariadb://" + hp + "/test?user=root");
    }

    @SuppressWarnings("resource") // Stopped by Testcontainers' reaper when the JVM exits.
    private static Optional<String> start(
        String image, int port, Map<String, String> env, @Nullable String readyLog) {
      try {
        if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
          return Optional.empty();
        }
        org.testcontainers.containers.GenericContainer<?> c =
            new org.testcontainers.containers.GenericContainer<>(
                    org.testcontainers.utility.DockerImageName.parse(image))
                .withExposedPorts(port)
                .withEnv(env);
        if (readyLog != null) {
          c.waitingFor(org.testcontainers.containers.wait.strategy.Wait.forLogMessage(readyLog, 2));
        }
        c.start();
        return Optional.of(c.getHost() + ":" + c.getMappedPort(port));
      } catch (NoClassDefFoundError | RuntimeException e) {
        return Optional.empty();
      }
    }
  }
}
