package dev.layercache.redis.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster. Keys of one operation live in different slots, so multi-key commands and scripts
 * are out: every key gets its own command (a single-key script for a tag version not known to
 * exist, which creates it when absent; a plain {@code GET} for the others), commands are grouped by
 * the node that serves their slot, each group is sent as one pipeline, and the groups run in
 * parallel — one round trip per node, the nodes at the same time.
 *
 * <p>A command answered with a redirection ({@code MOVED} during a failover or resharding, {@code
 * ASK} during a slot migration) or {@code NOSCRIPT} (a promoted replica) is sent again on its own
 * through {@link JedisCluster}, which follows redirections and refreshes its slot map. Everything
 * else surfaces as an exception, which the core treats as a miss.
 */
// JedisCluster is deprecated in Jedis 8; its replacement does not exist in Jedis 6, which
// the backend supports, and both route and redirect the same way.
@SuppressWarnings("deprecation")
public final class ClusterStore implements RedisStore {
  private final ClusterConnectionProvider provider;
  private final JedisCluster cluster;
  private final Incarnations incarnations = new Incarnations();
  private final boolean detectRestarts;
  private final ThreadPoolExecutor nodeCalls;

  /**
   * Creates a store; connects to discover the slot map.
   *
   * @param provider the cluster connection provider, owned by this store from now on
   * @param maxAttempts attempts for a command that is redirected or fails to connect
   * @param maxRetryDuration overall time limit for those attempts
   * @param detectRestarts whether versions count only within the node incarnation that answered
   *     them ({@link Incarnations})
   */
  public ClusterStore(
      ClusterConnectionProvider provider,
      int maxAttempts,
      Duration maxRetryDuration,
      boolean detectRestarts) {
    this.provider = provider;
    this.detectRestarts = detectRestarts;
    this.cluster = new JedisCluster(provider, maxAttempts, maxRetryDuration);
    AtomicInteger threads = new AtomicInteger();
    // Node groups beyond the first run here; when all threads are busy the caller runs the group
    // itself, which only serialises what would have been parallel.
    this.nodeCalls =
        new ThreadPoolExecutor(
            0,
            Math.max(4, 4 * Runtime.getRuntime().availableProcessors()),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "layercache-redis-cluster-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
  }

  @Override
  public Replies fetch(
      List<byte[]> entryKeys,
      List<byte[]> tagKeys,
      boolean[] create,
      Supplier<byte[]> freshVersions,
      byte[] tagTtlMillis) {
    byte[] freshVersion = null;
    // A version the caller knows to exist is a plain GET; any other is read through the single-key
    // script, which creates it when absent.
    List<KeyedCommand> batch = new ArrayList<>(entryKeys.size() + tagKeys.size());
    for (byte[] key : entryKeys) {
      batch.add(KeyedCommand.of(key, Commands.CLUSTER.get(key)));
    }
    for (int i = 0; i < tagKeys.size(); i++) {
      byte[] key = tagKeys.get(i);
      if (create[i]) {
        if (freshVersion == null) {
          freshVersion = freshVersions.get();
        }
        batch.add(script(RedisScripts.READ, key, PooledStore.count(0), freshVersion, tagTtlMillis));
      } else {
        batch.add(KeyedCommand.of(key, Commands.CLUSTER.get(key)));
      }
    }
    long[] folds = new long[batch.size()];
    Object[] replies = execute(batch, folds);
    List<byte @Nullable []> values = new ArrayList<>(replies.length);
    for (int i = 0; i < replies.length; i++) {
      boolean scripted = i >= entryKeys.size() && create[i - entryKeys.size()];
      values.add(scripted ? PooledStore.values(replies[i], 1).get(0) : (byte[]) replies[i]);
    }
    return Replies.of(values, folds);
  }

  @Override
  public Replies createVersions(List<byte[]> tagKeys, byte[] freshVersion, byte[] tagTtlMillis) {
    boolean[] create = new boolean[tagKeys.size()];
    Arrays.fill(create, true);
    return fetch(List.of(), tagKeys, create, () -> freshVersion, tagTtlMillis);
  }

  @Override
  public Replies get(List<byte[]> keys) {
    List<KeyedCommand> batch = new ArrayList<>(keys.size());
    for (byte[] key : keys) {
      batch.add(KeyedCommand.of(key, Commands.CLUSTER.get(key)));
    }
    long[] folds = new long[batch.size()];
    Object[] replies = execute(batch, folds);
    List<byte @Nullable []> values = new ArrayList<>(replies.length);
    for (Object reply : replies) {
      values.add((byte[]) reply);
    }
    return Replies.of(values, folds);
  }

  @Override
  public void bumpAndDelete(
      List<byte[]> tagKeys, List<byte[]> entryKeys, byte[] freshVersion, byte[] tagTtlMillis) {
    List<KeyedCommand> batch = new ArrayList<>(tagKeys.size() + entryKeys.size());
    for (byte[] key : tagKeys) {
      batch.add(script(RedisScripts.BUMP, key, PooledStore.count(1), freshVersion, tagTtlMillis));
    }
    // Bumps and deletes may run on different nodes at the same time: both are done before this
    // returns, and an entry written in between carries the old version, so it is never served.
    for (byte[] key : entryKeys) {
      batch.add(KeyedCommand.of(key, Commands.CLUSTER.unlink(key)));
    }
    execute(batch, null);
  }

  @Override
  public void updateTags(RedisScripts script, List<byte[]> tagKeys, List<byte[]> args) {
    byte[][] argv = args.toArray(new byte[0][]);
    List<KeyedCommand> batch = new ArrayList<>(tagKeys.size());
    for (byte[] key : tagKeys) {
      batch.add(script(script, key, argv));
    }
    execute(batch, null);
  }

  @Override
  public void set(byte[] key, byte[] value, long ttlMillis) {
    cluster.executeCommand(Commands.CLUSTER.setPx(key, value, ttlMillis));
  }

  @Override
  public void delete(byte[] key) {
    cluster.executeCommand(Commands.CLUSTER.unlink(key));
  }

  private KeyedCommand script(RedisScripts s, byte[] key, byte[]... args) {
    List<byte[]> keys = List.of(key);
    List<byte[]> argList = Arrays.asList(args);
    return new KeyedCommand(
        key, Commands.CLUSTER.evalsha(s, keys, argList), Commands.CLUSTER.eval(s, keys, argList));
  }

  /**
   * Runs a batch: one pipeline per node, nodes in parallel, redirected commands one by one.
   *
   * @param folds where not null, receives per command the fold of the node incarnation that
   *     answered it ({@link Incarnations}); a redirected command's node is not known, so its fold
   *     matches nothing stored
   */
  private Object[] execute(List<KeyedCommand> batch, long @Nullable [] folds) {
    Map<HostAndPort, List<Integer>> byNode = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      HostAndPort node = provider.getNode(JedisClusterCRC16.getSlot(batch.get(i).key));
      if (node == null) {
        // The slot map has a hole (a node just failed): let JedisCluster find the owner.
        provider.renewSlotCache();
        node = provider.getNode(JedisClusterCRC16.getSlot(batch.get(i).key));
        if (node == null) {
          throw new JedisConnectionException("no cluster node serves the slot of a key");
        }
      }
      byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(i);
    }
    Object[] replies = new Object[batch.size()];
    List<Future<?>> others = new ArrayList<>(byNode.size());
    Map.Entry<HostAndPort, List<Integer>> first = null;
    for (Map.Entry<HostAndPort, List<Integer>> group : byNode.entrySet()) {
      if (first == null) {
        first = group;
      } else {
        others.add(
            nodeCalls.submit(
                () -> pipeline(group.getKey(), group.getValue(), batch, replies, folds)));
      }
    }
    RuntimeException failure = null;
    if (first != null) {
      try {
        pipeline(first.getKey(), first.getValue(), batch, replies, folds);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    for (Future<?> f : others) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException
                  ? (RuntimeException) e.getCause()
                  : new JedisConnectionException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JedisConnectionException("interrupted while waiting for a cluster node", e);
      }
    }
    if (failure != null) {
      if (failure instanceof JedisConnectionException) {
        // A node is down or was replaced: the next batch should see the new slot map.
        provider.renewSlotCache();
      }
      throw failure;
    }
    for (int i = 0; i < replies.length; i++) {
      if (replies[i] instanceof JedisDataException) {
        JedisDataException e = (JedisDataException) replies[i];
        // A key of another type, planted by another client, reads as absent (as in MGET); the
        // next write of an entry replaces it, and the version scripts replace such versions.
        replies[i] = PooledStore.isWrongType(e) ? null : retryAlone(batch.get(i), e);
        if (folds != null && detectRestarts && !PooledStore.isWrongType(e)) {
          folds[i] = Incarnations.unknown();
        }
      }
    }
    return replies;
  }

  private void pipeline(
      HostAndPort node,
      List<Integer> indexes,
      List<KeyedCommand> batch,
      Object[] replies,
      long @Nullable [] folds) {
    try (Connection connection = provider.getConnection(node)) {
      if (folds != null) {
        long fold = detectRestarts ? incarnations.of(connection) : Incarnations.UNCHECKED;
        for (int i : indexes) {
          folds[i] = fold;
        }
      }
      Pipeline pipeline = new Pipeline(connection);
      List<Response<?>> responses = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        responses.add(pipeline.appendCommand(batch.get(i).command));
      }
      pipeline.sync();
      for (int r = 0; r < responses.size(); r++) {
        Object reply;
        try {
          reply = responses.get(r).get();
        } catch (JedisNoScriptException e) {
          // The node has not seen the script yet (new or restarted): EVAL loads it, on the same
          // connection, so the reply still comes from the incarnation this batch was folded with.
          reply = runFallback(connection, batch.get(indexes.get(r)));
        } catch (JedisDataException e) {
          reply = e;
        }
        replies[indexes.get(r)] = reply;
      }
    }
  }

  private static @Nullable Object runFallback(Connection connection, KeyedCommand command) {
    try {
      return connection.executeCommand(command.fallback);
    } catch (JedisDataException e) {
      return e;
    }
  }

  private @Nullable Object retryAlone(KeyedCommand command, JedisDataException error) {
    if (!(error instanceof JedisRedirectionException || error instanceof JedisNoScriptException)) {
      throw error;
    }
    try {
      return cluster.executeCommand(command.command);
    } catch (JedisNoScriptException e) {
      // The node serving the slot now (a promoted replica, a new master) has never seen the script.
      return cluster.executeCommand(command.fallback);
    }
  }

  @Override
  public void close() {
    nodeCalls.shutdownNow();
    cluster.close();
  }

  /** One command of a batch, with the key that decides its node and its NOSCRIPT fallback. */
  private static final class KeyedCommand {
    final byte[] key;
    final CommandObject<?> command;
    final CommandObject<?> fallback;

    KeyedCommand(byte[] key, CommandObject<?> command, CommandObject<?> fallback) {
      this.key = key;
      this.command = command;
      this.fallback = fallback;
    }

    static KeyedCommand of(byte[] key, CommandObject<?> command) {
      return new KeyedCommand(key, command, command);
    }
  }
}
