package dev.layercache.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.Pool;

/**
 * A standalone server or a Sentinel-managed master, through one pooled Jedis client: every
 * operation is one command, so one round trip.
 */
public final class PooledStore implements RedisStore {
  private final UnifiedJedis jedis;
  private final boolean ownsClient;
  private final @Nullable Pool<Connection> pool;

  /**
   * Creates a store over a client.
   *
   * @param jedis a pooled client ({@code JedisPooled}, {@code JedisSentineled} or a {@code
   *     UnifiedJedis} over a pooled provider)
   * @param ownsClient whether {@link #close()} closes the client
   * @param pool the client's pool, to drop idle connections after a connection failure; null if
   *     unknown
   */
  public PooledStore(UnifiedJedis jedis, boolean ownsClient, @Nullable Pool<Connection> pool) {
    this.jedis = jedis;
    this.ownsClient = ownsClient;
    this.pool = pool;
  }

  @Override
  public List<byte @Nullable []> fetch(
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
    return values(run(RedisScripts.READ, keys, args), keys.size());
  }

  @Override
  public List<byte @Nullable []> get(List<byte[]> keys) {
    try {
      return jedis.mget(keys.toArray(new byte[0][]));
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
