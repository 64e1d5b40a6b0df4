package dev.layercache.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A TCP relay in front of one server, with the faults of a network: a cut, latency, limited
 * bandwidth, dropped replies and reset connections. While cut, every byte either way is dropped:
 * nothing is refused and nothing answers, as when packets are lost between the clients and the
 * server. {@link #heal()} closes the connections that lived through the cut, as TCP does once its
 * retransmissions give up, and relays new connections again. A request sent during the cut never
 * reaches the server, whatever its client does afterwards.
 *
 * <p>A frozen server ({@code kill -STOP}) cannot lose a request this way: its kernel keeps what
 * clients send, and the server executes it after {@code SIGCONT} even if the client has closed or
 * reset the connection meanwhile.
 */
public final class PartitionProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private boolean cut;
  // Bytes per second relayed from the server to clients; 0: unlimited.
  private volatile long downstreamRate;
  // Added to every chunk relayed either way, in milliseconds.
  private volatile long latencyMillis;
  // Requests still reach the server; its replies are dropped.
  private volatile boolean dropReplies;

  private PartitionProxy(ServerSocket listener, InetSocketAddress server) {
    this.listener = listener;
    this.server = server;
  }

  /**
   * Starts relaying a free loopback port to a server.
   *
   * @param host the server's host
   * @param port the server's port
   * @return the running relay; close it to stop it
   * @throws IOException if no loopback port can be opened
   */
  public static PartitionProxy to(String host, int port) throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    PartitionProxy proxy = new PartitionProxy(listener, new InetSocketAddress(host, port));
    daemon("partition-proxy-accept-" + listener.getLocalPort(), proxy::acceptLoop).start();
    return proxy;
  }

  /**
   * The relay's address, {@code 127.0.0.1:port}: clients list this instead of the server.
   *
   * @return the address
   */
  public String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /**
   * The relay's port on {@code 127.0.0.1}.
   *
   * @return the port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * How many times a client's bytes arrived here: on loopback with {@code TCP_NODELAY}, one per
   * write of the client, so one per request batch (round trip) it sent.
   *
   * @return the count since the relay started
   */
  public long requests() {
    return requests.get();
  }

  /** Drops everything from now on, on the open connections and on new ones. */
  public synchronized void cut() {
    cut = true;
    links.forEach(Link::cut);
  }

  /**
   * Limits how fast the server's replies reach clients, as a slow or congested link does: a large
   * reply takes its size divided by this rate to arrive, whatever the client's timeout.
   *
   * @param bytesPerSecond the rate; 0 removes the limit
   */
  public void limitDownstream(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
    }
    downstreamRate = bytesPerSecond;
  }

  /**
   * Delays every chunk relayed either way, as a long or congested route does.
   *
   * @param latency the added delay; zero removes it
   */
  public void latency(java.time.Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency);
    }
    latencyMillis = latency.toMillis();
  }

  /**
   * Drops the server's replies while requests still reach it: a write happens, and its client times
   * out believing it did not.
   *
   * @param drop whether to drop replies
   */
  public void dropReplies(boolean drop) {
    dropReplies = drop;
  }

  /** Resets every open connection, as a restarted middlebox or a lost NAT mapping does. */
  public synchronized void reset() {
    for (Link link : links) {
      link.reset();
      links.remove(link);
    }
  }

  /** Removes every fault: heals a cut, and clears latency, bandwidth and dropped replies. */
  public void clearFaults() {
    heal();
    latency(java.time.Duration.ZERO);
    limitDownstream(0);
    dropReplies(false);
  }

  /** Closes every connection that lived through the cut and relays new ones again. */
  public synchronized void heal() {
    for (Link link : links) {
      if (link.isCut()) {
        link.close();
        links.remove(link);
      }
    }
    cut = false;
  }

  @Override
  public synchronized void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    links.forEach(Link::close);
    links.clear();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      try {
        open(client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private synchronized void open(Socket client) throws IOException {
    client.setTcpNoDelay(true);
    // During the cut a connection goes nowhere: its bytes are read and dropped.
    Socket upstream = cut ? null : new Socket();
    if (upstream != null) {
      upstream.setTcpNoDelay(true);
      upstream.connect(server, 2000);
    }
    Link link = new Link(client, upstream, cut);
    links.add(link);
    daemon("partition-proxy-up", () -> link.pump(client, upstream, requests, () -> 0, false))
        .start();
    if (upstream != null) {
      daemon(
              "partition-proxy-down",
              () -> link.pump(upstream, client, null, () -> downstreamRate, true))
          .start();
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(@Nullable Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing anyway.
      }
    }
  }

  /** One client connection and its connection to the server, relayed both ways. */
  private final class Link {
    private final Socket client;
    private final @Nullable Socket upstream;
    // Once cut, a link never relays again: heal() closes it.
    private volatile boolean cut;

    Link(Socket client, @Nullable Socket upstream, boolean cut) {
      this.client = client;
      this.upstream = upstream;
      this.cut = cut;
    }

    void cut() {
      cut = true;
    }

    boolean isCut() {
      return cut;
    }

    void pump(
        Socket from,
        @Nullable Socket to,
        @Nullable AtomicLong arrivals,
        LongSupplier rate,
        boolean replies) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to == null ? null : to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (arrivals != null && n > 0) {
            arrivals.incrementAndGet();
          }
          long bytesPerSecond = rate.getAsLong();
          if (bytesPerSecond > 0) {
            // The link's speed, simulated: this chunk takes its share of a second to cross.
            Thread.sleep(Math.max(1, n * 1000L / bytesPerSecond));
          }
          long delay = latencyMillis;
          if (delay > 0) {
            Thread.sleep(delay);
          }
          if (replies && dropReplies) {
            continue; // the request was served; its reply is lost
          }
          if (!cut && out != null) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // Closed by heal(), close() or the other side.
      } finally {
        close();
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }

    void reset() {
      for (Socket s : new Socket[] {client, upstream}) {
        if (s != null) {
          try {
            s.setSoLinger(true, 0); // close with RST, not FIN
          } catch (IOException ignored) {
            // Closed already.
          }
        }
      }
      close();
    }
  }
}
