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
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.Pool;

/**
 * A standalone server or a Sentinel-managed master, through one pooled Jedis client: every
 * operation is one command or one pipeline, so one round trip.
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
 * <p>Where the store can take connections from the pool itself, every read says which server
 * incarnation answered it ({@link Incarnations}), and invalidations can wait for replicas to
 * acknowledge them ({@code WAIT}) on the connection that sent them.
 */
public final class PooledStore implements RedisStore {
  private static final String SYNTAX_ERROR = "ERR syntax error";
  private static final String OUT_OF_MEMORY = "OOM";

  private static final CommandObjects COMMANDS = new CommandObjects();

  private final UnifiedJedis jedis;
  private final boolean ownsClient;
  private final @Nullable Pool<Connection> pool;
  private final @Nullable Supplier<Connection> connections;
  private final @Nullable Supplier<Connection> checkedReads;
  private final Incarnations incarnations = new Incarnations();
  private final int awaitReplicas;
  private final long awaitMillis;
  private volatile boolean scriptedReads;

  /**
   * Creates a store over a client.
   *
   * @param jedis a pooled client ({@code JedisPooled}, {@code JedisSentineled} or a {@code
   *     UnifiedJedis} over a pooled provider)
   * @param ownsClient whether {@link #close()} closes the client
   * @param pool the client's pool, to drop idle connections after a connection failure; null if
   *     unknown
   * @param connections borrows a connection of the client's pool (closing it returns it); null if
   *     the store cannot
   * @param detectRestarts whether reads go over {@code connections} to tell the incarnation that
   *     answered; false (or no {@code connections}) to read through the client, with no such check
   * @param awaitReplicas replicas that must acknowledge each invalidation ({@code WAIT}), 0 for
   *     none; more than 0 needs {@code connections}
   * @param awaitMillis how long an invalidation waits for them
   */
  public PooledStore(
      UnifiedJedis jedis,
      boolean ownsClient,
      @Nullable Pool<Connection> pool,
      @Nullable Supplier<Connection> connections,
      boolean detectRestarts,
      int awaitReplicas,
      long awaitMillis) {
    if (awaitReplicas > 0 && connections == null) {
      throw new IllegalArgumentException("waiting for replicas needs the client's connections");
    }
    this.jedis = jedis;
    this.ownsClient = ownsClient;
    this.pool = pool;
    this.connections = connections;
    this.checkedReads = detectRestarts ? connections : null;
    this.awaitReplicas = awaitReplicas;
    this.awaitMillis = awaitMillis;
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
    SetParams params = SetParams.setParams().nx();
    long ttl = TagVersions.parse(tagTtlMillis);
    if (ttl > 0) {
      params.px(ttl);
    }
    Response<List<byte[]>> many = null;
    List<Response<byte[]>> created = new ArrayList<>(creating);
    long fold = Incarnations.UNCHECKED;
    Connection c = null;
    try {
      Supplier<Connection> source = checkedReads;
      if (source != null) {
        c = source.get();
        fold = incarnations.of(c);
      }
      try (AbstractPipeline p = c == null ? jedis.pipelined() : new Pipeline(c)) {
        if (!read.isEmpty()) {
          many = p.mget(read.toArray(new byte[0][]));
        }
        for (int i = 0; i < tagKeys.size(); i++) {
          if (create[i]) {
            created.add(p.setGet(tagKeys.get(i), freshVersion, params));
          }
        }
        p.sync();
      }
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    } finally {
      if (c != null) {
        c.close();
      }
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
    Supplier<Connection> source = checkedReads;
    if (source == null) {
      return Replies.of(
          values(run(RedisScripts.READ, keys, args), keys.size()), Incarnations.UNCHECKED);
    }
    try (Connection c = source.get()) {
      long fold = incarnations.of(c);
      Object reply;
      try {
        reply = c.executeCommand(COMMANDS.evalsha(RedisScripts.READ.sha1(), keys, args));
      } catch (JedisNoScriptException e) {
        reply = c.executeCommand(COMMANDS.eval(RedisScripts.READ.body(), keys, args));
      }
      return Replies.of(values(reply, keys.size()), fold);
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  /**
   * {@code MGET} of keys. Built here because Jedis builds the arguments of its {@code mget} through
   * a stream, which costs a hit measurably more client time than this loop.
   */
  private static CommandObject<List<byte @Nullable []>> mget(List<byte[]> keys) {
    CommandArguments args = new CommandArguments(Protocol.Command.MGET);
    for (byte[] key : keys) {
      args.key(key);
    }
    return new CommandObject<>(args, BuilderFactory.BINARY_LIST);
  }

  @Override
  public Replies get(List<byte[]> keys) {
    Supplier<Connection> source = checkedReads;
    try {
      if (source == null) {
        return Replies.of(jedis.executeCommand(mget(keys)), Incarnations.UNCHECKED);
      }
      try (Connection c = source.get()) {
        long fold = incarnations.of(c);
        return Replies.of(c.executeCommand(mget(keys)), fold);
      }
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
    try {
      jedis.set(key, value, SetParams.setParams().px(ttlMillis));
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  @Override
  public void delete(byte[] key) {
    try {
      jedis.unlink(key);
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
  }

  private Object run(RedisScripts script, List<byte[]> keys, List<byte[]> args) {
    if (awaitReplicas > 0 && script != RedisScripts.READ) {
      return runAcknowledged(script, keys, args);
    }
    try {
      try {
        return jedis.evalsha(script.sha1(), keys, args);
      } catch (JedisNoScriptException e) {
        // The server restarted or flushed its script cache; EVAL loads the script again.
        return jedis.eval(script.body(), keys, args);
      }
    } catch (JedisConnectionException e) {
      throw dropIdle(e);
    }
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
        r = p.appendCommand(COMMANDS.evalsha(script.sha1(), keys, args));
        acknowledged = p.appendCommand(waitFor(awaitReplicas, awaitMillis));
        p.sync();
      }
      try {
        reply = r.get();
        replicas = acknowledged.get();
      } catch (JedisNoScriptException e) {
        // The server restarted or flushed its script cache; EVAL loads the script again.
        reply = c.executeCommand(COMMANDS.eval(script.body(), keys, args));
        replicas = c.executeCommand(waitFor(awaitReplicas, awaitMillis));
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

  private static CommandObject<Long> waitFor(int replicas, long millis) {
    return new CommandObject<>(
        new CommandArguments(Protocol.Command.WAIT).add(replicas).add(millis), BuilderFactory.LONG);
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
    if (ownsClient) {
      jedis.close();
    }
  }
}
