package dev.layercache.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A server process started by the test kit on a loopback port: {@code redis-server} or {@code
 * memcached}. Tests use it to provoke real faults: {@link #pause()} ({@code SIGSTOP}), {@link
 * #resume()} ({@code SIGCONT}), {@link #kill()} ({@code SIGKILL}) and {@link #restart()} on the
 * same port. Processes are stopped when the JVM exits.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final String name;
  private final List<String> command;
  private final int port;
  private final Path workDir;
  private @Nullable Process process;

  ServerProcess(String name, List<String> command, int port, Path workDir) {
    this.name = name;
    this.command = List.copyOf(command);
    this.port = port;
    this.workDir = workDir;
  }

  static ServerProcess start(String name, List<String> command, int port) {
    try {
      Path dir = Files.createTempDirectory("layercache-" + name + "-" + port + "-");
      ServerProcess p = new ServerProcess(name, command, port, dir);
      p.launch();
      Runtime.getRuntime().addShutdownHook(new Thread(p::close));
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  private synchronized void launch() {
    try {
      File log = workDir.resolve(name + ".log").toFile();
      process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with "
                + p.exitValue()
                + " at start; see "
                + workDir.resolve(name + ".log"));
      }
      if (accepts()) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException(name + " did not accept connections on port " + port);
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

  /** Freezes the process with {@code SIGSTOP}: connections stay open, nothing answers. */
  public void pause() {
    signal("STOP");
  }

  /** Resumes a paused process with {@code SIGCONT}. */
  public void resume() {
    signal("CONT");
  }

  /** Kills the process with {@code SIGKILL}. */
  public synchronized void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts the process again on the same port (after {@link #kill()}, or kills it first). */
  public synchronized void restart() {
    kill();
    launch();
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
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
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
