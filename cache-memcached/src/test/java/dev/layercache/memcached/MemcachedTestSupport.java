package dev.layercache.memcached;

import dev.layercache.CacheKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.NodeLocator;
import org.jspecify.annotations.Nullable;

/** A second, independent memcached client for tests: plants, deletes and inspects keys. */
final class MemcachedTestSupport {
  /**
   * The operation timeout of clients in tests that are not about timeouts: far above what an
   * operation on loopback takes, so a busy machine never turns a hit into a timed-out miss.
   */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private MemcachedTestSupport() {}

  /**
   * A client placing keys exactly as {@link MemcachedBackend} does, returned once it is connected
   * to every server (or after {@link #PATIENCE}): with {@code FailureMode.Cancel} an operation sent
   * before the first connection is cancelled.
   */
  static MemcachedClient rawClient(String servers) {
    List<InetSocketAddress> addresses = AddrUtil.getAddresses(servers);
    CountDownLatch connected = new CountDownLatch(addresses.size());
    Set<SocketAddress> seen = ConcurrentHashMap.newKeySet();
    ConnectionObserver firstConnections =
        new ConnectionObserver() {
          @Override
          public void connectionEstablished(SocketAddress address, int reconnectCount) {
            if (seen.add(address)) {
              connected.countDown();
            }
          }

          @Override
          public void connectionLost(SocketAddress address) {}
        };
    MemcachedClient client;
    try {
      client =
          new MemcachedClient(
              new ConnectionFactoryBuilder()
                  .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                  .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                  .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                  .setFailureMode(FailureMode.Cancel)
                  .setOpTimeout(PATIENCE.toMillis())
                  .setInitialObservers(List.of(firstConnections))
                  .setDaemon(true)
                  .build(),
              addresses);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      connected.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return client;
  }

  /**
   * The first key {@code name, 0, 1, ...} whose entry and own tag both live on a node, so that a
   * test can freeze, cut or kill everything about one key at once.
   */
  static CacheKey keyOn(NodeLocator locator, String ns, String name, String node) {
    for (int i = 0; ; i++) {
      CacheKey k = CacheKey.of(name, i);
      if (nodeOf(locator, k.entryKey(ns)).equals(node)
          && nodeOf(locator, k.keyTagKey(ns)).equals(node)) {
        return k;
      }
    }
  }

  /**
   * The first {@code count} keys {@code name, 0, 1, ...} whose entry and own tag both live on a
   * node.
   */
  static List<CacheKey> keysOn(
      NodeLocator locator, String ns, String name, String node, int count) {
    List<CacheKey> keys = new ArrayList<>(count);
    for (int i = 0; keys.size() < count; i++) {
      CacheKey k = CacheKey.of(name, i);
      if (nodeOf(locator, k.entryKey(ns)).equals(node)
          && nodeOf(locator, k.keyTagKey(ns)).equals(node)) {
        keys.add(k);
      }
    }
    return keys;
  }

  /** The first tag {@code prefix0, prefix1, ...} whose version lives on a node. */
  static String tagOn(NodeLocator locator, String ns, String prefix, String node) {
    for (int i = 0; ; i++) {
      String t = prefix + i;
      if (nodeOf(locator, ns + ":~t:" + t).equals(node)) {
        return t;
      }
    }
  }

  /** The address of the node that holds a key, as {@code host:port}. */
  static String nodeOf(NodeLocator locator, String key) {
    InetSocketAddress a = (InetSocketAddress) locator.getPrimary(key).getSocketAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /** The numeric {@code stats} of one server, read over a plain ASCII connection. */
  static Map<String, Long> stats(String hostPort) {
    Map<String, Long> stats = new HashMap<>();
    for (String line : textCommand(hostPort, "stats\r\n").split("\r\n")) {
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
  }

  /**
   * A value as one server holds it, read over a plain ASCII connection to that server alone.
   *
   * @return the value's bytes as ISO-8859-1 text, or null if the server does not hold the key
   */
  static @Nullable String textGet(String hostPort, String key) {
    String reply = textCommand(hostPort, "get " + key + "\r\n");
    if (reply.equals("END\r\n")) {
      return null;
    }
    // VALUE <key> <flags> <bytes>\r\n<data>\r\nEND\r\n
    int headerEnd = reply.indexOf("\r\n");
    String[] header = reply.substring(0, Math.max(0, headerEnd)).split(" ");
    if (header.length != 4 || !header[0].equals("VALUE") || !header[1].equals(key)) {
      throw new IllegalStateException("get " + key + " from " + hostPort + ": " + reply);
    }
    int start = headerEnd + 2;
    return reply.substring(start, start + Integer.parseInt(header[3]));
  }

  /**
   * Stores a value on one server, with flags 0 and no expiration, as the backend stores versions.
   */
  static void textSet(String hostPort, String key, String value) {
    byte[] data = value.getBytes(StandardCharsets.ISO_8859_1);
    String reply =
        textCommand(hostPort, "set " + key + " 0 0 " + data.length + "\r\n" + value + "\r\n");
    if (!reply.equals("STORED\r\n")) {
      throw new IllegalStateException("set " + key + " on " + hostPort + ": " + reply);
    }
  }

  /** Sends one ASCII command and reads its whole reply (up to END, STORED or an error line). */
  private static String textCommand(String hostPort, String command) {
    List<InetSocketAddress> a = AddrUtil.getAddresses(hostPort);
    try (Socket s = new Socket()) {
      s.connect(a.get(0), (int) PATIENCE.toMillis());
      s.setSoTimeout((int) PATIENCE.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(command.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder text = new StringBuilder();
      byte[] buf = new byte[8192];
      while (!complete(text)) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      return text.toString();
    } catch (IOException e) {
      throw new IllegalStateException(
          command.trim() + " on " + hostPort + ": " + e.getMessage(), e);
    }
  }

  private static boolean complete(StringBuilder reply) {
    String r = reply.toString();
    return r.endsWith("END\r\n")
        || r.equals("STORED\r\n")
        || r.equals("NOT_STORED\r\n")
        || (r.endsWith("\r\n") && (r.startsWith("ERROR") || r.contains("_ERROR")));
  }
}
