package dev.layercache.examples.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} for a benchmark: started on a free loopback port without persistence,
 * unless {@code -Dlayercache.redis=redis://host:port} names one.
 */
final class BenchRedisServer implements AutoCloseable {
  private final @Nullable Process process;
  private final String uri;

  private BenchRedisServer(@Nullable Process process, String uri) {
    this.process = process;
    this.uri = uri;
  }

  static BenchRedisServer start() throws IOException, InterruptedException {
    String given = System.getProperty("layercache.redis");
    if (given != null && !given.isBlank()) {
      return new BenchRedisServer(null, given);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new BenchRedisServer(p, "redis://127.0.0.1:" + port);
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
