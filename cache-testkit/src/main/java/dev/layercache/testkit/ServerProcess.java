package dev.layercache.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A server process started by the test kit on a loopback port: {@code redis-server} or {@code
 * memcached}. Tests use it to provoke real faults: {@link #pause()} ({@code SIGSTOP}), {@link
 * #resume()} ({@code SIGCONT}), {@link #kill()} ({@code SIGKILL}) and {@link #restart()} on the
 * same port. Processes are stopped when the JVM exits.
 */
public final class ServerProcess implements AutoCloseable {
  /** Far above the milliseconds a start takes, for a machine busy with other builds. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Ports tried before giving up on a first start: a free port may be taken before the bind. */
  private static final int START_ATTEMPTS = 5;

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final int port;
  private final Path workDir;
  private @Nullable Process process;

  ServerProcess(
      String name, List<String> command, Map<String, String> environment, int port, Path workDir) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.port = port;
    this.workDir = workDir;
  }

  /**
   * Starts a server on a free port. Between the check that a port is free and the server's bind,
   * another process (another build on the machine) may take it: the server then exits at start, and
   * the next attempt uses another port.
   */
  static ServerProcess start(
      String name, IntFunction<List<String>> command, Map<String, String> environment) {
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port = TestServers.freePort();
      ServerProcess p;
      try {
        Path dir = Files.createTempDirectory("layercache-" + name + "-" + port + "-");
        p = new ServerProcess(name, command.apply(port), environment, port, dir);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
      }
      try {
        p.launch();
      } catch (ExitedAtStart e) {
        failure = e;
        continue;
      } catch (RuntimeException e) {
        p.close();
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(p::close));
      return p;
    }
    throw failure;
  }

  /** The server exited before it listened, as it does when its port is taken. */
  private static final class ExitedAtStart extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ExitedAtStart(String message) {
      super(message);
    }
  }

  private synchronized void launch() {
    Process p;
    try {
      File log = workDir.resolve(name + ".log").toFile();
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
      builder.environment().putAll(environment);
      p = builder.start();
      process = p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        process = null;
        throw new ExitedAtStart(
            name
                + " exited with "
                + p.exitValue()
                + " at start on port "
                + port
                + "; see "
                + workDir.resolve(name + ".log"));
      }
      if (listens(p)) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException(name + " did not accept connections on port " + port);
  }

  /**
   * Whether the server listens on its port. On Linux the listening socket must be the process's
   * own, so a server of another build that took the port is never mistaken for this one.
   */
  private boolean listens(Process p) {
    Set<String> inodes = listeningSocketInodes();
    if (inodes == null) {
      return accepts();
    }
    if (inodes.isEmpty()) {
      return false;
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
      return fds.anyMatch(fd -> inodes.contains(socketInode(fd)));
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** The inodes of sockets listening on the port, or null where /proc/net cannot be read. */
  private @Nullable Set<String> listeningSocketInodes() {
    Set<String> inodes = new HashSet<>();
    String hexPort = String.format(":%04X", port);
    boolean readable = false;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException | SecurityException e) {
        continue;
      }
      readable = true;
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          inodes.add(f[9]);
        }
      }
    }
    return readable ? inodes : null;
  }

  private static String socketInode(Path fd) {
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("socket:[") ? target.substring(8, target.length() - 1) : "";
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return "";
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The loopback port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The server's host.
   *
   * @return {@code 127.0.0.1}
   */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * The process id, for signals.
   *
   * @return the pid
   */
  public synchronized long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return p.pid();
  }

  /**
   * The directory the process runs in (its log and data files).
   *
   * @return the directory
   */
  public Path workDir() {
    return workDir;
  }

  /**
   * Freezes the process with {@code SIGSTOP}: connections stay open, nothing answers. Returns once
   * the process is stopped.
   */
  public void pause() {
    signal("STOP");
    awaitStopped(true);
  }

  /** Resumes a paused process with {@code SIGCONT}; returns once it runs again. */
  public void resume() {
    signal("CONT");
    awaitStopped(false);
  }

  /** A signal is delivered asynchronously: waits until /proc shows its effect (on Linux). */
  private void awaitStopped(boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(pid()), "stat");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String s;
      try {
        s = Files.readString(stat);
      } catch (IOException | SecurityException e) {
        return; // not Linux: the signal's delivery cannot be observed
      }
      // pid (comm) state ...; comm may hold spaces and parentheses, the state follows the last ')'
      int close = s.lastIndexOf(')');
      char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
      if ((state == 'T' || state == 't') == stopped) {
        return;
      }
      sleep(5);
    }
    throw new IllegalStateException(name + " did not " + (stopped ? "stop" : "resume"));
  }

  /** Kills the process with {@code SIGKILL}. */
  public synchronized void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        // Until it is gone its socket holds the port, and a restart could not bind it.
        if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(name + " did not exit after SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /**
   * Starts the process again on the same port (after {@link #kill()}, or kills it first). While
   * something else holds the port (a client's connection may have been given it), the start is
   * tried again.
   */
  public synchronized void restart() {
    kill();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        launch();
        return;
      } catch (ExitedAtStart e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(100);
      }
    }
  }

  /**
   * Whether the process is running.
   *
   * @return true if alive
   */
  public synchronized boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public synchronized void close() {
    Process p = process;
    if (p != null) {
      // A paused process ignores SIGTERM until resumed.
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
      } catch (IOException | InterruptedException ignored) {
        // Best effort; destroyForcibly follows.
      }
      p.destroyForcibly();
      process = null;
    }
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + port;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static List<String> command(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}
