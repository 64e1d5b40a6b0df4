package dev.layercache.memcached;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;

/** A second, independent memcached client for tests: plants, deletes and inspects keys. */
final class MemcachedTestSupport {
  private MemcachedTestSupport() {}

  /** A client placing keys exactly as {@link MemcachedBackend} does. */
  static MemcachedClient rawClient(String servers) {
    try {
      return new MemcachedClient(
          new ConnectionFactoryBuilder()
              .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
              .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
              .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
              .setFailureMode(FailureMode.Cancel)
              .setOpTimeout(2000)
              .setDaemon(true)
              .build(),
          AddrUtil.getAddresses(servers));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The address of the node that holds a key, as {@code host:port}. */
  static String nodeOf(NodeLocator locator, String key) {
    InetSocketAddress a = (InetSocketAddress) locator.getPrimary(key).getSocketAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /** The numeric {@code stats} of one server, read over a plain ASCII connection. */
  static Map<String, Long> stats(String hostPort) {
    List<InetSocketAddress> a = AddrUtil.getAddresses(hostPort);
    try (Socket s = new Socket()) {
      s.connect(a.get(0), 2000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder text = new StringBuilder();
      byte[] buf = new byte[8192];
      while (!text.toString().endsWith("END\r\n")) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
      Map<String, Long> stats = new HashMap<>();
      for (String line : text.toString().split("\r\n")) {
        String[] parts = line.split(" ");
        if (parts.length == 3 && parts[0].equals("STAT")) {
          try {
            stats.put(parts[1], Long.parseLong(parts[2]));
          } catch (NumberFormatException ignored) {
            // Not a counter (version, rusage).
          }
        }
      }
      return stats;
    } catch (IOException e) {
      throw new IllegalStateException("stats of " + hostPort + ": " + e.getMessage(), e);
    }
  }
}
