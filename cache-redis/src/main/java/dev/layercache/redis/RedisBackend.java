package dev.layercache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.layercache.CacheBackendException;
import dev.layercache.CacheConfigurationException;
import dev.layercache.redis.internal.ClusterStore;
import dev.layercache.redis.internal.Incarnations;
import dev.layercache.redis.internal.JedisVersion;
import dev.layercache.redis.internal.PooledStore;
import dev.layercache.redis.internal.RedisScripts;
import dev.layercache.redis.internal.RedisStore;
import dev.layercache.redis.internal.Replies;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.FetchedRead;
import dev.layercache.spi.StoredEntry;
import dev.layercache.spi.TagVersions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Pool;

/**
 * A {@link CacheBackend} on Redis through Jedis: a standalone server (pooled connections), a
 * Sentinel-managed master, or a Redis Cluster, chosen by the builder.
 *
 * <pre>{@code
 * LayerCache cache = LayerCache.builder()
 *     .namespace("blog")
 *     .backend(RedisBackend.builder().uri("redis://127.0.0.1:6379").build())
 *     .build();
 * }</pre>
 *
 * <p>What each operation costs:
 *
 * <ul>
 *   <li>a read (hit or miss) is one round trip. Versions this backend read lately (up to {@value
 *       #PRESENT_VERSIONS_REMEMBERED}) are read in one {@code MGET} with the entry, so such a hit
 *       is one command, as a raw {@code GET} is; any other version is read in the same pipeline by
 *       {@code SET version fresh NX GET}, which returns the stored version or creates an absent
 *       one, so a miss followed by its fill costs two (the read, {@code SET ... PX}). If a
 *       remembered version was lost meanwhile, that miss costs one more round trip, to create it.
 *       Plain commands cost the server less than a script call, which a hit would pay on every
 *       request; servers before Redis 7.0, which reject {@code NX} with {@code GET}, are detected
 *       at the first read and read through one {@code EVALSHA} instead (see {@link
 *       Builder#scriptedReads(boolean)});
 *   <li>{@code getAll} of N keys is one round trip;
 *   <li>a tag bump, and an eviction (key tag bump plus {@code DEL}), is one {@code EVALSHA}.
 * </ul>
 *
 * In a cluster the keys of one operation live in different slots: each key gets its own command,
 * grouped into one pipeline per node, the nodes queried in parallel.
 *
 * <p>Entries are stored with a TTL ({@code PX}). Tag versions are stored without one by default, so
 * they outlive every entry; under an {@code allkeys-*} eviction policy Redis may still evict them,
 * which is safe: a lost version is re-created with a fresh value that no stored entry carries, so
 * old entries can never become valid again.
 *
 * <p>Timeouts are in milliseconds and short by default ({@value #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms
 * to connect, {@value #DEFAULT_READ_TIMEOUT_MILLIS} ms to answer): a cache that is slow is worse
 * than no cache. Failures surface as Jedis runtime exceptions, which the core counts and treats as
 * misses.
 *
 * <p>Thread-safe. Close it (or the {@link dev.layercache.LayerCache} using it) to release its
 * connections; a client passed to {@link Builder#client(UnifiedJedis)} stays open.
 */
public final class RedisBackend implements CacheBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);

  /** Connect timeout when none is set, in milliseconds. */
  public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 250;

  /** Read (socket) timeout when none is set, in milliseconds. */
  public static final long DEFAULT_READ_TIMEOUT_MILLIS = 200;

  /**
   * Connections per server when none is set. Each call holds one only for its round trip, so a few
   * dozen serve hundreds of request threads.
   */
  public static final int DEFAULT_POOL_MAX_TOTAL = 32;

  /** How long a call waits for a free pooled connection when none is set, in milliseconds. */
  public static final long DEFAULT_POOL_MAX_WAIT_MILLIS = 100;

  /**
   * Largest entry when none is set: 1 MiB. Redis accepts 512 MiB, but a large value blocks the
   * single-threaded server for every other client while it is copied.
   */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1 << 20;

  /** Attempts for a cluster command that is redirected or cannot connect, when none is set. */
  public static final int DEFAULT_CLUSTER_MAX_ATTEMPTS = 3;

  /** The default port of Redis. */
  public static final int DEFAULT_PORT = 6379;

  private static final long MAX_REDIS_VALUE_BYTES = 512L << 20;
  private static final byte[] NO_TTL = {'0'};
  // TagVersions.parse of no digits at all is 0, which is ABSENT.
  private static final byte[] ABSENT_TEXT = {};

  /**
   * How many tag version keys a backend remembers as read present lately, to read them with a plain
   * {@code GET}: about 100 bytes each.
   */
  public static final int PRESENT_VERSIONS_REMEMBERED = 20_000;

  private final RedisStore store;
  private final long maxEntryBytes;
  private final byte[] tagTtlMillis;
  // Versions read present lately are read in the entry's MGET, which costs the server less than
  // the SET NX GET that creates an absent one. One that has been lost since reads as absent: the
  // entry is a miss and the core creates the version before loading (one more round trip).
  private final Cache<String, Boolean> present =
      Caffeine.newBuilder().maximumSize(PRESENT_VERSIONS_REMEMBERED).build();

  private RedisBackend(RedisStore store, long maxEntryBytes, long tagTtlMillis) {
    this.store = store;
    this.maxEntryBytes = maxEntryBytes;
    this.tagTtlMillis =
        tagTtlMillis == 0
            ? NO_TTL
            : Long.toString(tagTtlMillis).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Starts a builder.
   *
   * @return a builder with the defaults, pointing at {@code redis://127.0.0.1:6379}
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public long maxEntryBytes() {
    return maxEntryBytes;
  }

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    List<String> versionKeys = withKeyTag(keyTagKey, tagKeys);
    boolean[] create = toCreate(versionKeys);
    Replies replies =
        store.fetch(
            List.of(bytes(entryKey)),
            encode(versionKeys),
            create,
            RedisBackend::fresh,
            tagTtlMillis);
    long[] versions = versions(replies, 1, versionKeys.size());
    remember(versionKeys, create, versions);
    return new FetchedRead(replies.values().get(0), versionKeys, versions);
  }

  @Override
  public List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    int n = entryKeys.size();
    List<String> versionKeys = new ArrayList<>(n + tagKeys.size());
    versionKeys.addAll(keyTagKeys);
    versionKeys.addAll(tagKeys);
    boolean[] create = toCreate(versionKeys);
    Replies replies =
        store.fetch(
            encode(entryKeys), encode(versionKeys), create, RedisBackend::fresh, tagTtlMillis);
    List<byte @Nullable []> values = replies.values();
    // Key tags first, then the shared tags.
    long[] all = versions(replies, n, versionKeys.size());
    remember(versionKeys, create, all);
    List<BackendRead> reads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long[] v = new long[1 + tagKeys.size()];
      v[0] = all[i];
      System.arraycopy(all, n, v, 1, tagKeys.size());
      reads.add(new FetchedRead(values.get(i), withKeyTag(keyTagKeys.get(i), tagKeys), v));
    }
    return reads;
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    List<byte[]> keys = encode(tagKeys);
    Replies replies =
        createAbsent ? store.createVersions(keys, fresh(), tagTtlMillis) : store.get(keys);
    long[] versions = versions(replies, 0, keys.size());
    remember(tagKeys, null, versions);
    return versions;
  }

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    store.set(bytes(entryKey), entry.toBytes(), ttlMillis);
  }

  @Override
  public void delete(String entryKey) {
    store.delete(bytes(entryKey));
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    if (!tagKeys.isEmpty()) {
      store.bumpAndDelete(encode(tagKeys), List.of(), fresh(), tagTtlMillis);
    }
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    if (!tagKeys.isEmpty()) {
      store.updateTags(
          RedisScripts.LOCK,
          encode(tagKeys),
          List.of(
              fresh(), tagTtlMillis, decimal(System.currentTimeMillis()), decimal(deadlineMillis)));
    }
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    if (!tagKeys.isEmpty()) {
      store.updateTags(
          RedisScripts.UNLOCK,
          encode(tagKeys),
          List.of(fresh(), tagTtlMillis, decimal(System.currentTimeMillis())));
    }
  }

  private static byte[] decimal(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void evict(String entryKey, String keyTagKey) {
    store.bumpAndDelete(List.of(bytes(keyTagKey)), List.of(bytes(entryKey)), fresh(), tagTtlMillis);
  }

  @Override
  public void close() {
    store.close();
  }

  /** Which versions the read must create when absent: those not seen present lately. */
  private boolean[] toCreate(List<String> versionKeys) {
    boolean[] create = new boolean[versionKeys.size()];
    for (int i = 0; i < create.length; i++) {
      create[i] = present.getIfPresent(versionKeys.get(i)) == null;
    }
    return create;
  }

  /**
   * Records what a read learnt about each version. Only changes are written, so that a hit, whose
   * versions are all known already, costs the set no write.
   *
   * @param created per key, whether it was unknown before the read ({@link #toCreate}); null if not
   *     looked up
   */
  private void remember(List<String> versionKeys, boolean @Nullable [] created, long[] versions) {
    for (int i = 0; i < versions.length; i++) {
      boolean wasKnown = created != null && !created[i];
      if (versions[i] > 0) {
        if (!wasKnown) {
          present.put(versionKeys.get(i), Boolean.TRUE);
        }
      } else if (wasKnown || created == null) {
        present.invalidate(versionKeys.get(i));
      }
    }
  }

  private static List<String> withKeyTag(String keyTagKey, List<String> tagKeys) {
    if (tagKeys.isEmpty()) {
      return List.of(keyTagKey);
    }
    List<String> keys = new ArrayList<>(1 + tagKeys.size());
    keys.add(keyTagKey);
    keys.addAll(tagKeys);
    return keys;
  }

  /** Versions as stored, folded with the incarnation that answered each ({@link Incarnations}). */
  private static long[] versions(Replies replies, int from, int count) {
    List<byte @Nullable []> values = replies.values();
    long[] versions = new long[count];
    for (int i = 0; i < count; i++) {
      versions[i] =
          Incarnations.mix(
              replies.fold(from + i), TagVersions.parse(orEmpty(values.get(from + i))));
    }
    return versions;
  }

  /** An absent value parses as {@link BackendRead#ABSENT}, like any non-decimal text. */
  private static byte[] orEmpty(byte @Nullable [] value) {
    return value == null ? ABSENT_TEXT : value;
  }

  private static byte[] fresh() {
    return Long.toString(TagVersions.fresh()).getBytes(StandardCharsets.US_ASCII);
  }

  // Keys are built by the core from a namespace, a name and a hex hash: ASCII by construction.
  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> encode(List<String> keys) {
    List<byte[]> encoded = new ArrayList<>(keys.size());
    for (String k : keys) {
      encoded.add(bytes(k));
    }
    return encoded;
  }

  /** The topologies a builder can describe. */
  private enum Topology {
    STANDALONE,
    SENTINEL,
    CLUSTER,
    CLIENT
  }

  /**
   * Builds a {@link RedisBackend}. Every setter validates at once and throws {@link
   * CacheConfigurationException} naming the rejected value. Not thread-safe; the backend it builds
   * is.
   */
  public static final class Builder {
    private Topology topology = Topology.STANDALONE;
    private HostAndPort server = new HostAndPort("127.0.0.1", DEFAULT_PORT);
    private Set<HostAndPort> nodes = Set.of();
    private String masterName = "";
    private @Nullable UnifiedJedis client;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String sentinelUser;
    private @Nullable String sentinelPassword;
    private int database;
    private @Nullable String clientName;
    private boolean tls;
    private boolean verifyHostname = true;
    private @Nullable SSLSocketFactory sslSocketFactory;
    private @Nullable SSLParameters sslParameters;
    private long connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
    private long readTimeoutMillis = DEFAULT_READ_TIMEOUT_MILLIS;
    private int poolMaxTotal = DEFAULT_POOL_MAX_TOTAL;
    private int poolMaxIdle = -1;
    private int poolMinIdle;
    private long poolMaxWaitMillis = DEFAULT_POOL_MAX_WAIT_MILLIS;
    private int clusterMaxAttempts = DEFAULT_CLUSTER_MAX_ATTEMPTS;
    private long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private long tagVersionTtlMillis;
    private boolean scriptedReads;
    private boolean detectRestarts = true;
    private int awaitReplicas;
    private long awaitReplicaMillis;

    private Builder() {}

    /**
     * Connects to one server (pooled) given as {@code redis://[[user]:password@]host[:port][/db]},
     * or {@code rediss://...} for TLS. Credentials and the database in the URI replace earlier
     * settings.
     *
     * @param uri the server
     * @return this builder
     */
    public Builder uri(String uri) {
      URI u;
      try {
        u = new URI(Objects.requireNonNull(uri, "uri"));
      } catch (URISyntaxException e) {
        throw new CacheConfigurationException("uri '" + uri + "' is not a URI", e);
      }
      String scheme = u.getScheme();
      if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
        throw new CacheConfigurationException(
            "uri '" + uri + "' must start with redis:// or rediss://");
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        throw new CacheConfigurationException("uri '" + uri + "' names no host");
      }
      int port = u.getPort() == -1 ? DEFAULT_PORT : u.getPort();
      standalone(u.getHost(), port);
      tls = "rediss".equals(scheme);
      String info = u.getRawUserInfo();
      if (info != null && !info.isEmpty()) {
        int colon = info.indexOf(':');
        String name = colon < 0 ? "" : decode(info.substring(0, colon));
        String secret = decode(colon < 0 ? info : info.substring(colon + 1));
        user = name.isEmpty() ? null : name;
        password = secret.isEmpty() ? null : secret;
      }
      String path = u.getPath();
      if (path != null && path.length() > 1) {
        try {
          database(Integer.parseInt(path.substring(1)));
        } catch (NumberFormatException e) {
          throw new CacheConfigurationException(
              "uri '" + uri + "' has path '" + path + "', expected /<database number>", e);
        }
      }
      return this;
    }

    /**
     * Connects to one server through a connection pool.
     *
     * @param host host name or address
     * @param port port, 1 to 65535
     * @return this builder
     */
    public Builder standalone(String host, int port) {
      server = hostAndPort(host, port);
      topology = Topology.STANDALONE;
      return this;
    }

    /**
     * Connects to the master that Sentinel reports for {@code masterName}, following failovers.
     *
     * @param masterName the monitored master's name
     * @param sentinels sentinel addresses as {@code host:port}, at least one
     * @return this builder
     */
    public Builder sentinel(String masterName, List<String> sentinels) {
      if (masterName == null || masterName.isBlank()) {
        throw new CacheConfigurationException(
            "sentinel master name is blank: '" + masterName + "'");
      }
      this.nodes = addresses("sentinels", sentinels);
      this.masterName = masterName;
      topology = Topology.SENTINEL;
      return this;
    }

    /**
     * Connects to a Redis Cluster; the full topology is discovered from these seed nodes.
     *
     * @param seedNodes node addresses as {@code host:port}, at least one
     * @return this builder
     */
    public Builder cluster(List<String> seedNodes) {
      this.nodes = addresses("cluster seed nodes", seedNodes);
      topology = Topology.CLUSTER;
      return this;
    }

    /**
     * Uses a client the application already has (a {@code JedisPooled} or {@code JedisSentineled},
     * or a {@code RedisClient} or {@code RedisSentinelClient} from Jedis 7.2 on), sharing its pool.
     * Its own settings apply; the connection, TLS, timeout and pool settings of this builder are
     * ignored, and closing the backend leaves it open. For a cluster use {@link #cluster(List)}.
     *
     * @param client a pooled, non-cluster client
     * @return this builder
     */
    public Builder client(UnifiedJedis client) {
      Objects.requireNonNull(client, "client");
      if (isCluster(client)) {
        throw new CacheConfigurationException(
            "client " + client + " is a cluster client; use cluster(seedNodes) instead");
      }
      this.client = client;
      topology = Topology.CLIENT;
      return this;
    }

    /**
     * Sets the ACL user name (Redis 6+). Without one, {@code AUTH} uses the password alone.
     *
     * @param user the user name, not blank
     * @return this builder
     */
    public Builder user(String user) {
      if (user == null || user.isBlank()) {
        throw new CacheConfigurationException("user is blank: '" + user + "'");
      }
      this.user = user;
      return this;
    }

    /**
     * Sets the password.
     *
     * @param password the password, not empty
     * @return this builder
     */
    public Builder password(String password) {
      if (password == null || password.isEmpty()) {
        throw new CacheConfigurationException("password is empty");
      }
      this.password = password;
      return this;
    }

    /**
     * Sets the credentials for the Sentinel processes, when they differ from the master's (by
     * default Sentinels are contacted without authentication).
     *
     * @param user the ACL user, or null for the password alone
     * @param password the password, not empty
     * @return this builder
     */
    public Builder sentinelCredentials(@Nullable String user, String password) {
      if (password == null || password.isEmpty()) {
        throw new CacheConfigurationException("sentinel password is empty");
      }
      this.sentinelUser = user;
      this.sentinelPassword = password;
      return this;
    }

    /**
     * Selects a logical database (standalone and Sentinel only; a cluster has database 0 only).
     *
     * @param database 0 or more
     * @return this builder
     */
    public Builder database(int database) {
      if (database < 0) {
        throw new CacheConfigurationException("database must be 0 or more, was " + database);
      }
      this.database = database;
      return this;
    }

    /**
     * Names the connections ({@code CLIENT SETNAME}), to find them in {@code CLIENT LIST}.
     *
     * @param clientName a name without spaces
     * @return this builder
     */
    public Builder clientName(String clientName) {
      if (clientName == null || clientName.isEmpty() || clientName.contains(" ")) {
        throw new CacheConfigurationException(
            "clientName must be non-empty without spaces, was '" + clientName + "'");
      }
      this.clientName = clientName;
      return this;
    }

    /**
     * Turns TLS on or off (off by default; {@code rediss://} turns it on). The server's certificate
     * is checked against the JVM's trust store unless {@link #sslSocketFactory} says otherwise, and
     * its host name is verified unless {@link #verifyHostname(boolean)} turns that off.
     *
     * @param tls whether to use TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Whether TLS checks that the server's certificate names the host connected to. On by default;
     * turn off only for servers reached by an address their certificate does not name.
     *
     * @param verify whether to verify
     * @return this builder
     */
    public Builder verifyHostname(boolean verify) {
      this.verifyHostname = verify;
      return this;
    }

    /**
     * Sets the TLS socket factory (a custom trust store or client certificate); implies {@link
     * #tls(boolean) tls(true)}.
     *
     * @param factory the factory
     * @return this builder
     */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = Objects.requireNonNull(factory, "sslSocketFactory");
      this.tls = true;
      return this;
    }

    /**
     * Sets TLS parameters (protocols, cipher suites); implies {@link #tls(boolean) tls(true)}. Host
     * name verification is still added unless turned off.
     *
     * @param parameters the parameters
     * @return this builder
     */
    public Builder sslParameters(SSLParameters parameters) {
      this.sslParameters = Objects.requireNonNull(parameters, "sslParameters");
      this.tls = true;
      return this;
    }

    /**
     * Sets how long to wait for a connection to open. Default {@value
     * #DEFAULT_CONNECT_TIMEOUT_MILLIS} ms.
     *
     * @param timeout 1 ms to 1 minute
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeoutMillis = timeoutMillis("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets how long to wait for a reply. Default {@value #DEFAULT_READ_TIMEOUT_MILLIS} ms.
     *
     * @param timeout 1 ms to 1 minute
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeoutMillis = timeoutMillis("readTimeout", timeout);
      return this;
    }

    /**
     * Sets the pool size per server. Default {@value #DEFAULT_POOL_MAX_TOTAL}.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder poolMaxTotal(int max) {
      if (max < 1) {
        throw new CacheConfigurationException("poolMaxTotal must be at least 1, was " + max);
      }
      this.poolMaxTotal = max;
      return this;
    }

    /**
     * Sets how many idle connections the pool keeps. Default: the pool size, so a busy pool never
     * closes and reopens connections.
     *
     * @param max 0 or more
     * @return this builder
     */
    public Builder poolMaxIdle(int max) {
      if (max < 0) {
        throw new CacheConfigurationException("poolMaxIdle must be 0 or more, was " + max);
      }
      this.poolMaxIdle = max;
      return this;
    }

    /**
     * Sets how many idle connections the pool opens ahead of need. Default 0.
     *
     * @param min 0 or more
     * @return this builder
     */
    public Builder poolMinIdle(int min) {
      if (min < 0) {
        throw new CacheConfigurationException("poolMinIdle must be 0 or more, was " + min);
      }
      this.poolMinIdle = min;
      return this;
    }

    /**
     * Sets how long a call waits for a free connection when all are in use. Default {@value
     * #DEFAULT_POOL_MAX_WAIT_MILLIS} ms.
     *
     * @param wait 1 ms to 1 minute
     * @return this builder
     */
    public Builder poolMaxWait(Duration wait) {
      this.poolMaxWaitMillis = timeoutMillis("poolMaxWait", wait);
      return this;
    }

    /**
     * Sets how often a cluster command may be tried when it is redirected or cannot connect.
     * Default {@value #DEFAULT_CLUSTER_MAX_ATTEMPTS}.
     *
     * @param attempts 1 to 20
     * @return this builder
     */
    public Builder clusterMaxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new CacheConfigurationException(
            "clusterMaxAttempts must be 1 to 20, was " + attempts);
      }
      this.clusterMaxAttempts = attempts;
      return this;
    }

    /**
     * Sets the largest entry stored. Default {@value #DEFAULT_MAX_ENTRY_BYTES} bytes.
     *
     * @param bytes 1 to 512 MiB
     * @return this builder
     */
    public Builder maxEntryBytes(long bytes) {
      if (bytes < 1 || bytes > MAX_REDIS_VALUE_BYTES) {
        throw new CacheConfigurationException(
            "maxEntryBytes must be 1 to " + MAX_REDIS_VALUE_BYTES + ", was " + bytes);
      }
      this.maxEntryBytes = bytes;
      return this;
    }

    /**
     * Gives tag versions a TTL, refreshed at every bump, so versions of tags nobody uses any more
     * do not stay forever on a server without an {@code allkeys-*} eviction policy. Choose it well
     * above the longest entry TTL: an expired version is re-created fresh, which turns the entries
     * depending on it into misses (never into stale hits). Default: no TTL.
     *
     * @param ttl zero for none, or at least 1 second
     * @return this builder
     */
    public Builder tagVersionTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "tagVersionTtl");
      if (!ttl.isZero() && ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new CacheConfigurationException(
            "tagVersionTtl must be zero (none) or at least 1s, was " + ttl);
      }
      this.tagVersionTtlMillis = ttl.toMillis();
      return this;
    }

    /**
     * Reads entries and tag versions through one Lua script call ({@code EVALSHA}) instead of a
     * pipeline of plain commands. Off by default: a hit then costs the server a Lua invocation.
     * Servers before Redis 7.0 are detected at the first read and switched to the script without
     * this setting; set it to skip that detection. A cluster always reads tag versions through a
     * single-key script.
     *
     * @param scripted whether reads run the script
     * @return this builder
     */
    public Builder scriptedReads(boolean scripted) {
      this.scriptedReads = scripted;
      return this;
    }

    /**
     * Whether a tag version counts only within the server incarnation it was read from. On by
     * default: each new connection asks the server ({@code INFO server} and {@code INFO
     * replication}) for its {@code run_id} and replication id, and versions read over it are folded
     * with them, so that a server restarted from an RDB or AOF file, or a replica promoted while it
     * lagged, cannot bring back entries whose invalidation it lost: they are misses until filled
     * again. Costs two commands per new connection, nothing per read. The user needs the {@code
     * +info} permission; a server that refuses it fails every read (a miss) with a message naming
     * it. A client passed to {@link #client(UnifiedJedis)} is checked only if it is a {@code
     * JedisPooled}.
     *
     * @param detect false to compare versions as stored, for servers whose data never outlives the
     *     process (no persistence, no replicas)
     * @return this builder
     */
    public Builder detectRestarts(boolean detect) {
      this.detectRestarts = detect;
      return this;
    }

    /**
     * Makes every invalidation (tag bump, lock, unlock, eviction) wait until {@code replicas}
     * replicas have it ({@code WAIT} on the connection that sent it), so that a failover to a
     * replica cannot lose it. An invalidation that is not acknowledged in time fails like an
     * unreachable server: its tags bypass the cache and it is retried (and under strict
     * invalidation the caller is told). Off by default (0). Not available for a Redis Cluster, or
     * for a client passed to {@link #client(UnifiedJedis)} that is not a {@code JedisPooled}.
     *
     * @param replicas replicas that must acknowledge, 0 for none
     * @param timeout how long to wait for them, 1 ms to 1 min
     * @return this builder
     */
    public Builder awaitReplicas(int replicas, Duration timeout) {
      if (replicas < 0) {
        throw new CacheConfigurationException("replicas must be 0 or more, was " + replicas);
      }
      this.awaitReplicaMillis = timeoutMillis("awaitReplicas timeout", timeout);
      this.awaitReplicas = replicas;
      return this;
    }

    /**
     * Builds the backend. Standalone and Sentinel connect lazily; a cluster connects now to learn
     * its slot map.
     *
     * @return a new backend
     * @throws CacheConfigurationException if the settings contradict each other, or the Jedis on
     *     the class path is outside the supported range (6.0 to 8.x)
     * @throws CacheBackendException if no cluster node answers
     */
    public RedisBackend build() {
      JedisVersion.check();
      if (topology == Topology.CLUSTER && database != 0) {
        throw new CacheConfigurationException(
            "a Redis Cluster has only database 0, database was " + database);
      }
      int maxIdle = poolMaxIdle < 0 ? poolMaxTotal : poolMaxIdle;
      if (poolMinIdle > maxIdle) {
        throw new CacheConfigurationException(
            "poolMinIdle " + poolMinIdle + " exceeds poolMaxIdle " + maxIdle);
      }
      RedisStore store = openStore(maxIdle);
      if (scriptedReads && store instanceof PooledStore) {
        ((PooledStore) store).useScriptedReads();
      }
      return new RedisBackend(store, maxEntryBytes, tagVersionTtlMillis);
    }

    private RedisStore openStore(int maxIdle) {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(poolMaxTotal);
      pool.setMaxIdle(maxIdle);
      pool.setMinIdle(poolMinIdle);
      pool.setMaxWait(Duration.ofMillis(poolMaxWaitMillis));
      pool.setBlockWhenExhausted(true);
      pool.setJmxEnabled(false);
      // Idle connections are checked in the background, never on the request path.
      pool.setTestWhileIdle(true);
      pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
      switch (topology) {
        case CLIENT:
          {
            UnifiedJedis given = Objects.requireNonNull(client);
            Pool<Connection> own = poolOf(given);
            if (own == null) {
              if (awaitReplicas > 0) {
                throw new CacheConfigurationException(
                    "awaitReplicas needs the client's connections: pass a client with a pool"
                        + " (JedisPooled, RedisClient), not a "
                        + given.getClass().getName());
              }
              if (detectRestarts) {
                LOG.warn(
                    "a Redis server restarted from a snapshot cannot be detected through a {}:"
                        + " pass a client with a pool (JedisPooled, RedisClient) or build the"
                        + " backend from an address",
                    given.getClass().getName());
              }
              return PooledStore.overClient(given);
            }
            return PooledStore.overConnections(
                own::getResource, own, null, detectRestarts, awaitReplicas, awaitReplicaMillis);
          }
        case SENTINEL:
          {
            SentineledConnectionProvider provider =
                new SentineledConnectionProvider(
                    masterName, clientConfig(true), pool, nodes, sentinelConfig());
            return PooledStore.overConnections(
                provider::getConnection,
                null,
                provider,
                detectRestarts,
                awaitReplicas,
                awaitReplicaMillis);
          }
        case CLUSTER:
          if (awaitReplicas > 0) {
            throw new CacheConfigurationException(
                "awaitReplicas is not available for a Redis Cluster");
          }
          try {
            return new ClusterStore(
                new ClusterConnectionProvider(nodes, clientConfig(false), pool),
                clusterMaxAttempts,
                Duration.ofMillis(
                    (clusterMaxAttempts + 1) * (readTimeoutMillis + connectTimeoutMillis)),
                detectRestarts);
          } catch (JedisException e) {
            throw new CacheBackendException(
                "cannot learn the slot map from cluster nodes " + nodes + ": " + e.getMessage(), e);
          }
        case STANDALONE:
        default:
          PooledConnectionProvider provider =
              new PooledConnectionProvider(server, clientConfig(true), pool);
          return PooledStore.overConnections(
              provider::getConnection,
              provider.getPool(),
              provider,
              detectRestarts,
              awaitReplicas,
              awaitReplicaMillis);
      }
    }

    /** A cluster client by its class (Jedis 6 to 8 name it differently). */
    private static boolean isCluster(UnifiedJedis client) {
      for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getName().equals("redis.clients.jedis.JedisCluster")
            || c.getName().equals("redis.clients.jedis.RedisClusterClient")) {
          return true;
        }
      }
      return false;
    }

    /**
     * The pool of a client that has one ({@code JedisPooled} up to Jedis 7, {@code RedisClient}
     * from 7.2 on: both have a public {@code getPool()}), or null.
     */
    @SuppressWarnings("unchecked")
    private static @Nullable Pool<Connection> poolOf(UnifiedJedis client) {
      try {
        Object pool = client.getClass().getMethod("getPool").invoke(client);
        return pool instanceof Pool<?> ? (Pool<Connection>) pool : null;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    private JedisClientConfig clientConfig(boolean withDatabase) {
      DefaultJedisClientConfig.Builder c =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis((int) connectTimeoutMillis)
              .socketTimeoutMillis((int) readTimeoutMillis)
              .user(user)
              .password(password)
              .clientName(clientName)
              .database(withDatabase ? database : 0);
      return withTls(c).build();
    }

    private JedisClientConfig sentinelConfig() {
      DefaultJedisClientConfig.Builder c =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis((int) connectTimeoutMillis)
              .socketTimeoutMillis((int) readTimeoutMillis)
              .user(sentinelUser)
              .password(sentinelPassword);
      return withTls(c).build();
    }

    // The TLS setters are deprecated in Jedis 8 for SslOptions, which does not take an
    // SSLSocketFactory; they still work in every version the backend supports.
    @SuppressWarnings("deprecation")
    private DefaultJedisClientConfig.Builder withTls(DefaultJedisClientConfig.Builder c) {
      if (!tls) {
        return c;
      }
      SSLParameters params = new SSLParameters();
      SSLParameters given = sslParameters;
      if (given != null) {
        params.setProtocols(given.getProtocols());
        params.setCipherSuites(given.getCipherSuites());
        params.setEndpointIdentificationAlgorithm(given.getEndpointIdentificationAlgorithm());
        params.setServerNames(given.getServerNames());
      }
      if (verifyHostname) {
        // The JSSE check of RFC 2818: the handshake fails unless the certificate names the host.
        params.setEndpointIdentificationAlgorithm("HTTPS");
      }
      c.ssl(true).sslParameters(params);
      if (sslSocketFactory != null) {
        c.sslSocketFactory(sslSocketFactory);
      }
      return c;
    }

    private static long timeoutMillis(String what, Duration timeout) {
      Objects.requireNonNull(timeout, what);
      if (timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new CacheConfigurationException(what + " must be 1ms to 1min, was " + timeout);
      }
      return timeout.toMillis();
    }

    private static HostAndPort hostAndPort(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new CacheConfigurationException("host is blank: '" + host + "'");
      }
      if (port < 1 || port > 65535) {
        throw new CacheConfigurationException("port must be 1 to 65535, was " + port);
      }
      return new HostAndPort(host, port);
    }

    private static Set<HostAndPort> addresses(String what, List<String> addresses) {
      if (addresses == null || addresses.isEmpty()) {
        throw new CacheConfigurationException(what + " must name at least one host:port");
      }
      Set<HostAndPort> parsed = new LinkedHashSet<>();
      for (String a : addresses) {
        int colon = a == null ? -1 : a.lastIndexOf(':');
        if (colon <= 0) {
          throw new CacheConfigurationException(what + ": '" + a + "' is not host:port");
        }
        try {
          parsed.add(hostAndPort(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
        } catch (NumberFormatException e) {
          throw new CacheConfigurationException(what + ": '" + a + "' is not host:port", e);
        }
      }
      return Set.copyOf(parsed);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
  }
}
