package dev.layercache.redis;

import dev.layercache.CacheConfigurationException;
import dev.layercache.redis.internal.Commands;
import dev.layercache.redis.internal.JedisVersion;
import dev.layercache.spi.InvalidationBus;
import dev.layercache.spi.InvalidationMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * An {@link InvalidationBus} on Redis pub/sub, for {@link dev.layercache.near.NearCacheBackend}.
 * Every process that shares a remote backend subscribes to one channel on one Redis server (in a
 * Cluster, any node: messages are broadcast).
 *
 * <p>The subscription runs on its own daemon thread and connection, and is watched: a {@code PING}
 * is sent on it every {@linkplain Builder#pingInterval ping interval}, and if no answer came for
 * three intervals (a paused or unreachable server) the connection is dropped, the listener told,
 * and a new subscription attempted. Publishing uses a small connection pool with short timeouts.
 *
 * <pre>{@code
 * RedisInvalidationBus bus = RedisInvalidationBus.builder().uri("redis://cache:6379").build();
 * }</pre>
 *
 * Thread-safe.
 */
public final class RedisInvalidationBus implements InvalidationBus {
  /** The channel when none is set. */
  public static final String DEFAULT_CHANNEL = "layercache:invalidations";

  private static final Logger LOG = LoggerFactory.getLogger(RedisInvalidationBus.class);

  private final HostAndPort address;
  private final JedisClientConfig config;
  private final byte[] channel;
  private final long pingMillis;
  private final PooledConnectionProvider publisher;
  private final ScheduledExecutorService watchdog;
  private volatile boolean closed;
  private volatile @Nullable Connection subscription;
  private volatile @Nullable Watched pubSub;
  private @Nullable Thread thread;

  private RedisInvalidationBus(Builder b, HostAndPort address, JedisClientConfig config) {
    this.address = address;
    this.config = config;
    this.channel = b.channel.getBytes(StandardCharsets.UTF_8);
    this.pingMillis = b.pingInterval.toMillis();
    this.publisher = new PooledConnectionProvider(address, config);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "layercache-bus-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void publish(InvalidationMessage message) {
    try (Connection c = publisher.getConnection()) {
      c.executeCommand(Commands.SERVER.publish(channel, message.toBytes()));
    }
  }

  @Override
  public synchronized void subscribe(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (thread != null) {
      throw new IllegalStateException("already subscribed");
    }
    Thread t = new Thread(() -> subscribeLoop(listener), "layercache-bus-subscriber");
    t.setDaemon(true);
    thread = t;
    t.start();
    watchdog.scheduleWithFixedDelay(this::watch, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
  }

  private void subscribeLoop(Listener listener) {
    long backoff = 50;
    while (!closed) {
      Watched w = new Watched(listener);
      try (Connection c = new Connection(address, config)) {
        subscription = c;
        pubSub = w;
        w.proceed(c, channel); // returns when unsubscribed; throws when the connection breaks
        if (!closed) {
          listener.disconnected(new IllegalStateException("unsubscribed"));
        }
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        listener.disconnected(e);
        if (w.wasSubscribed) {
          backoff = 50;
        }
        LOG.debug("invalidation subscription to {} failed: {}", address, e.toString());
        sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      } finally {
        subscription = null;
        pubSub = null;
      }
    }
  }

  /** Pings the subscription; drops it if the server stopped answering. */
  private void watch() {
    Watched w = pubSub;
    Connection c = subscription;
    if (w == null || c == null || !w.wasSubscribed) {
      return;
    }
    long silent = System.currentTimeMillis() - w.lastHeard;
    if (silent > 3 * pingMillis) {
      LOG.warn("invalidation subscription to {} silent for {} ms: reconnecting", address, silent);
      c.disconnect(); // the subscriber thread's read fails and it starts over
      return;
    }
    try {
      w.ping();
    } catch (RuntimeException e) {
      c.disconnect();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    Connection c = subscription;
    if (c != null) {
      c.disconnect();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publisher.close();
  }

  /** The subscription's callbacks, remembering when the server was last heard from. */
  private static final class Watched extends BinaryJedisPubSub {
    private final Listener listener;
    volatile long lastHeard = System.currentTimeMillis();
    volatile boolean wasSubscribed;

    Watched(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onSubscribe(byte[] channel, int subscribedChannels) {
      lastHeard = System.currentTimeMillis();
      wasSubscribed = true;
      listener.connected();
    }

    @Override
    public void onPong(byte[] pattern) {
      lastHeard = System.currentTimeMillis();
    }

    @Override
    public void onMessage(byte[] channel, byte[] message) {
      lastHeard = System.currentTimeMillis();
      InvalidationMessage m;
      try {
        m = InvalidationMessage.fromBytes(message);
      } catch (IllegalArgumentException e) {
        // Something we cannot read may have invalidated anything: start over from empty.
        LOG.warn("unreadable message on the invalidation channel: {}", e.getMessage());
        listener.disconnected(e);
        listener.connected();
        return;
      }
      listener.message(m);
    }
  }

  /** Builds a {@link RedisInvalidationBus}. */
  public static final class Builder {
    private @Nullable String uri;
    private String channel = DEFAULT_CHANNEL;
    private Duration pingInterval = Duration.ofSeconds(1);
    private Duration timeout = Duration.ofMillis(RedisBackend.DEFAULT_READ_TIMEOUT_MILLIS);
    private @Nullable SSLSocketFactory sslSocketFactory;
    private @Nullable JedisClientConfig clientConfig;

    private Builder() {}

    /**
     * The server: {@code redis://[user:password@]host:port} or {@code rediss://...} for TLS.
     *
     * @param uri the URI
     * @return this builder
     */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * The channel (default {@value #DEFAULT_CHANNEL}); give each group of processes sharing one
     * remote backend its own if several share one Redis server.
     *
     * @param channel a non-empty name
     * @return this builder
     */
    public Builder channel(String channel) {
      if (channel == null || channel.isEmpty()) {
        throw new CacheConfigurationException("channel must not be empty");
      }
      this.channel = channel;
      return this;
    }

    /**
     * How often the subscription is pinged; after three intervals without an answer it is treated
     * as lost (default 1 s).
     *
     * @param interval at least 10 ms
     * @return this builder
     */
    public Builder pingInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 10) {
        throw new CacheConfigurationException("pingInterval must be at least 10 ms: " + interval);
      }
      this.pingInterval = interval;
      return this;
    }

    /**
     * Connect and read timeout of publishing (default as {@link RedisBackend}'s read timeout).
     *
     * @param timeout at least 1 ms
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) {
        throw new CacheConfigurationException("timeout must be at least 1 ms: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The socket factory for {@code rediss://} (for a private certificate authority).
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Replaces the connection settings derived from the URI (user, password, TLS, timeouts).
     *
     * @param config Jedis client settings
     * @return this builder
     */
    public Builder clientConfig(JedisClientConfig config) {
      this.clientConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Connects the publisher; the subscription starts with {@link RedisInvalidationBus#subscribe}.
     *
     * @return the bus
     */
    // The TLS setters are deprecated in Jedis 8; they work in every supported version.
    @SuppressWarnings("deprecation")
    public RedisInvalidationBus build() {
      JedisVersion.check();
      if (uri == null) {
        throw new CacheConfigurationException("RedisInvalidationBus needs a uri");
      }
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new CacheConfigurationException("invalid Redis URI '" + uri + "'", e);
      }
      if (!JedisURIHelper.isValid(parsed)) {
        throw new CacheConfigurationException(
            "invalid Redis URI '" + uri + "': expected redis://host:port or rediss://host:port");
      }
      HostAndPort address = JedisURIHelper.getHostAndPort(parsed);
      JedisClientConfig config = clientConfig;
      if (config == null) {
        int millis = (int) timeout.toMillis();
        DefaultJedisClientConfig.Builder c =
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .user(JedisURIHelper.getUser(parsed))
                .password(JedisURIHelper.getPassword(parsed))
                .ssl(JedisURIHelper.isRedisSSLScheme(parsed));
        if (sslSocketFactory != null) {
          c.sslSocketFactory(sslSocketFactory);
        }
        config = c.build();
      }
      return new RedisInvalidationBus(this, address, config);
    }
  }
}
