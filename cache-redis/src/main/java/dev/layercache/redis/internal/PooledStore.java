package dev.layercache.redis.internal;

import dev.layercache.CacheBackendException;
import dev.layercache.spi.TagVersions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * A standalone server or a Sentinel-managed master, over connections borrowed from a Jedis pool:
 * every operation is one command or one pipeline, so one round trip.
 *
 * <p>Reads are plain commands rather than a script: one {@code MGET} of the entries and of every
 * tag version the caller knows to exist, so a hit whose versions were read lately is one command,
 * as a raw {@code GET} is; a version not known to exist is read with {@code SET version fresh NX
 * GET} in the same pipeline, which returns the stored version or creates the absent one, atomically
 * per key. A script call costs the server a Lua invocation that plain commands do not, and a hit
 * would pay it on every request. Servers older than Redis 7.0 reject {@code NX} together with
 * {@code GET}; the first such reply switches the store to the {@link RedisScripts#READ} script for
 * good.
 *
 * <p>Every read says which server incarnation answered it ({@link Incarnations}), and invalidations
 * can wait for replicas to acknowledge them ({@code WAIT}) on the connection that sent them. A
 * store over an application's client that does not lend its connections ({@link #overClient}) runs
 * every command through the client: reads use the script (one round trip without a pipeline), and
 * neither check is possible.
 */
public final class PooledStore implements RedisStore {
  private static final String SYNTAX_ERROR = "ERR syntax error";
  private static final String OUT_OF_MEMORY = "OOM";

  private final @Nullable Supplier<Connection> connections;
  private final @Nullable UnifiedJedis client;
  private final @Nullable AutoCloseable owned;
  private final @Nullable Pool<Connection> pool;
  private final boolean detectRestarts;
  private final Incarnations incarnations = new Incarnations();
  private final int awaitReplicas;
  private final long awaitMillis;
  private volatile boolean scriptedReads;

  private PooledStore(
      @Nullable Supplier<Connection> connections,
      @Nullable UnifiedJedis client,
      @Nullable AutoCloseable owned,
      @Nullable Pool<Connection> pool,
      boolean detectRestarts,
      int awaitReplicas,
      long awaitMillis) {
    this.connections = connections;
    this.client = client;
    this.owned = owned;
    this.pool = pool;
    this.detectRestarts = detectRestarts && connections != null;
    this.awaitReplicas = awaitReplicas;
    this.awaitMillis = awaitMillis;
    this.scriptedReads = connections == null;
  }

  /**
   * A store over borrowed connections.
   *
   * @param connections borrows a connection of a pool (closing it returns it)
   * @param pool the pool, to drop idle connections after a connection failure; null if unknown
   * @param owned what {@link #close()} closes (the connection provider), null for nothing
   * @param detectRestarts whether versions count only within the incarnation that answered
   * @param awaitReplicas replicas that must acknowledge each invalidation ({@code WAIT}), 0 for
   *     none
   * @param awaitMillis how long an invalidation waits for them
   * @return the store
   */
  public static PooledStore overConnections(
      Supplier<Connection> connections,
      @Nullable Pool<Connection> pool,
      @Nullable AutoCloseable owned,
      boolean detectRestarts,
      int awaitReplicas,
      long awaitMillis) {
    return new PooledStore(
        connections, null, owned, pool, detectRestarts, awaitReplicas, awaitMillis);
  }

  /**
   * A store over a client the application owns and keeps open, whose connections it cannot borrow:
   * no restart detection, no waiting for replicas.
   *
   * @param client the client
   * @return the store
   */
  public static PooledStore overClient(UnifiedJedis client) {
    return new PooledStore(null, client, null, null, false, 0, 0);
  }

  /** Makes every later read run the {@link RedisScripts#READ} script. */
  public void useScriptedReads() {
    scriptedReads = true;
  }

  @Override
  public Replies fetch(
      List<byte[]> entryKeys,
      List<byte[]> tagKeys,
      boolean[] create,
      Supplier<byte[]> freshVersions,
      byte[] tagTtlMillis) {
    if (scriptedReads) {
      return scripted(entryKeys, tagKeys, freshVersions.get(), tagTtlMillis);
    }
    int n = entryKeys.size();
    // One MGET carries the entries and every version the caller knows to exist: a hit whose
    // versions were all read lately is one command, as a raw GET is. MGET reads a key of another
    // type (planted by another client) as absent, which the core repairs before loading.
    List<byte[]> read = new ArrayList<>(n + tagKeys.size());
    read.addAll(entryKeys);
    int creating = 0;
    for (int i = 0; i < tagKeys.size(); i++) {
      if (create[i]) {
        creating++;
      } else {
        read.add(tagKeys.get(i));
      }
    }
    if (creating == 0) {
      // Every version is known: the MGET's reply is the entries, then the versions, in order.
      return read.isEmpty() ? Replies.of(List.of(), Incarnations.UNCHECKED) : get(read);
    }
    byte[] freshVersion = freshVersions.get();
    long ttl = TagVersions.parse(tagTtlMillis);
    Response<List<byte @Nullable []>> many = null;
    List<Response<byte @Nullable []>> created = new ArrayList<>(creating);
    long fold;
    try (Connection c = Objects.requireNonNull(connections).get()) {
      fold = foldOf(c);
      try (Pipeline p = new Pipeline(c)) {
        if (!read.isEmpty()) {
          many = p.appendCommand(Commands.SERVER.mget(read));
        }
        for (int i = 0; i < tagKeys.size(); i++) {
          if (create[i]) {
            created.add(
                p.appendCommand(Commands.SERVER.setIfAbsentGet(tagKeys.get(i), freshVersion, ttl)));
          }
        }
        p.sync();
      }
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
    List<byte @Nullable []> got = many == null ? List.of() : many.get();
    List<byte @Nullable []> values = new ArrayList<>(n + tagKeys.size());
    values.addAll(got.subList(0, n));
    int nextRead = n;
    int nextCreated = 0;
    List<Integer> unreadable = null;
    for (int i = 0; i < tagKeys.size(); i++) {
      if (!create[i]) {
        values.add(got.get(nextRead++));
        continue;
      }
      byte[] v;
      try {
        v = created.get(nextCreated++).get();
        if (v == null) {
          v = freshVersion; // SET NX GET's nil: the version was absent and is now the fresh one
        }
      } catch (JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith(SYNTAX_ERROR)) {
          scriptedReads = true;
          return scripted(entryKeys, tagKeys, freshVersion, tagTtlMillis);
        }
        if (isWrongType(e)) {
          // Another client's key of another type: absent, which the core repairs before loading.
          v = null;
        } else if (message.startsWith(OUT_OF_MEMORY)) {
          // A full server under noeviction refuses every write, even one that changes nothing:
          // read the version as it is below, so that stored entries are still served.
          v = null;
          if (unreadable == null) {
            unreadable = new ArrayList<>();
          }
          unreadable.add(i);
        } else {
          // Anything else (READONLY from a demoted master during a failover, a denied command)
          // fails the read: a replica's versions may lag the master's bumps.
          throw e;
        }
      }
      values.add(v);
    }
    if (unreadable != null) {
      List<byte[]> keys = new ArrayList<>(unreadable.size());
      for (int tag : unreadable) {
        keys.add(tagKeys.get(tag));
      }
      Replies again = get(keys);
      if (again.fold(0) != fold) {
        // Another incarnation answered the second read: neither reply can be trusted alone.
        throw new JedisConnectionException("the Redis server changed during a read");
      }
      for (int u = 0; u < keys.size(); u++) {
        values.set(n + unreadable.get(u), again.values().get(u));
      }
    }
    return Replies.of(values, fold);
  }

  /**
   * Whether a reply is Redis's {@code WRONGTYPE} error: the key holds another type, written by
   * another client, which every read of the backend takes as absent.
   */
  static boolean isWrongType(JedisDataException e) {
    return String.valueOf(e.getMessage()).startsWith("WRONGTYPE");
  }

  @Override
  public Replies createVersions(List<byte[]> tagKeys, byte[] freshVersion, byte[] tagTtlMillis) {
    return scripted(List.of(), tagKeys, freshVersion, tagTtlMillis);
  }

  private Replies scripted(
      List<byte[]> entryKeys, List<byte[]> tagKeys, byte[] freshVersion, byte[] tagTtlMillis) {
    List<byte[]> keys;
    if (entryKeys.isEmpty()) {
      keys = tagKeys;
    } else if (tagKeys.isEmpty()) {
      keys = entryKeys;
    } else {
      keys = new ArrayList<>(entryKeys.size() + tagKeys.size());
      keys.addAll(entryKeys);
      keys.addAll(tagKeys);
    }
    List<byte[]> args = Arrays.asList(count(entryKeys.size()), freshVersion, tagTtlMillis);
    Supplier<Connection> source = connections;
    if (source == null) {
      return Replies.of(
          values(run(RedisScripts.READ, keys, args), keys.size()), Incarnations.UNCHECKED);
    }
    try (Connection c = source.get()) {
      long fold = foldOf(c);
      Object reply;
      try {
        reply = c.executeCommand(Commands.SERVER.evalsha(RedisScripts.READ, keys, args));
      } catch (JedisNoScriptException e) {
        reply = c.executeCommand(Commands.SERVER.eval(RedisScripts.READ, keys, args));
      }
      return Replies.of(values(reply, keys.size()), fold);
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  @Override
  public Replies get(List<byte[]> keys) {
    Supplier<Connection> source = connections;
    if (source == null) {
      return Replies.of(execute(Commands.SERVER.mget(keys)), Incarnations.UNCHECKED);
    }
    try (Connection c = source.get()) {
      long fold = foldOf(c);
      return Replies.of(c.executeCommand(Commands.SERVER.mget(keys)), fold);
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  @Override
  public void bumpAndDelete(
      List<byte[]> tagKeys, List<byte[]> entryKeys, byte[] freshVersion, byte[] tagTtlMillis) {
    List<byte[]> keys = new ArrayList<>(tagKeys.size() + entryKeys.size());
    keys.addAll(tagKeys);
    keys.addAll(entryKeys);
    run(RedisScripts.BUMP, keys, Arrays.asList(count(tagKeys.size()), freshVersion, tagTtlMillis));
  }

  @Override
  public void updateTags(RedisScripts script, List<byte[]> tagKeys, List<byte[]> args) {
    run(script, tagKeys, args);
  }

  @Override
  public void set(byte[] key, byte[] value, long ttlMillis) {
    execute(Commands.SERVER.setPx(key, value, ttlMillis));
  }

  @Override
  public void delete(byte[] key) {
    execute(Commands.SERVER.unlink(key));
  }

  private Object run(RedisScripts script, List<byte[]> keys, List<byte[]> args) {
    if (awaitReplicas > 0 && script != RedisScripts.READ) {
      return runAcknowledged(script, keys, args);
    }
    try {
      return execute(Commands.SERVER.evalsha(script, keys, args));
    } catch (JedisNoScriptException e) {
      // The server restarted or flushed its script cache; EVAL loads the script again.
      return execute(Commands.SERVER.eval(script, keys, args));
    }
  }

  /** Runs one command on a borrowed connection, or through the application's client. */
  private <T> T execute(CommandObject<T> command) {
    Supplier<Connection> source = connections;
    try {
      if (source == null) {
        return Objects.requireNonNull(client).executeCommand(command);
      }
      try (Connection c = source.get()) {
        return c.executeCommand(command);
      }
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  private long foldOf(Connection c) {
    return detectRestarts ? incarnations.of(c) : Incarnations.UNCHECKED;
  }

  /**
   * Runs a script that changes versions, then {@code WAIT}s on the same connection until enough
   * replicas have it: a failover to a replica cannot then lose the invalidation.
   *
   * @throws CacheBackendException if fewer replicas acknowledged it in time: the core keeps the
   *     invalidation undelivered and retries it
   */
  private Object runAcknowledged(RedisScripts script, List<byte[]> keys, List<byte[]> args) {
    try (Connection c = Objects.requireNonNull(connections).get()) {
      Object reply;
      long replicas;
      Response<Object> r;
      Response<Long> acknowledged;
      // WAIT may block for its whole timeout: the reply must not time out the read first.
      int readTimeout = c.getSoTimeout();
      c.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout + awaitMillis));
      try (Pipeline p = new Pipeline(c)) {
        r = p.appendCommand(Commands.SERVER.evalsha(script, keys, args));
        acknowledged = p.appendCommand(Commands.SERVER.waitFor(awaitReplicas, awaitMillis));
        p.sync();
      }
      try {
        reply = r.get();
        replicas = acknowledged.get();
      } catch (JedisNoScriptException e) {
        // The server restarted or flushed its script cache; EVAL loads the script again.
        reply = c.executeCommand(Commands.SERVER.eval(script, keys, args));
        replicas = c.executeCommand(Commands.SERVER.waitFor(awaitReplicas, awaitMillis));
      } finally {
        c.setSoTimeout(readTimeout);
      }
      if (replicas < awaitReplicas) {
        throw new CacheBackendException(
            "invalidation reached "
                + replicas
                + " of "
                + awaitReplicas
                + " replicas within "
                + awaitMillis
                + " ms");
      }
      return reply;
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  /**
   * After a restart every idle pooled connection is dead; dropping them now makes the next call
   * connect afresh instead of failing once per stale connection.
   */
  private RuntimeException dropIdle(JedisConnectionException e) {
    Pool<Connection> p = pool;
    if (p != null) {
      try {
        p.clear();
      } catch (RuntimeException ignored) {
        // Best effort: the original failure is what the caller needs to see.
      }
    }
    return e;
  }

  static byte[] count(int n) {
    return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  @SuppressWarnings("unchecked")
  static List<byte @Nullable []> values(Object reply, int expected) {
    if (!(reply instanceof List<?>) || ((List<?>) reply).size() != expected) {
      throw new IllegalStateException("unexpected script reply for " + expected + " keys");
    }
    return (List<byte @Nullable []>) reply;
  }

  @Override
  public void close() {
    AutoCloseable o = owned;
    if (o != null) {
      try {
        o.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the Redis connections failed: " + e, e);
      }
    }
  }
}
