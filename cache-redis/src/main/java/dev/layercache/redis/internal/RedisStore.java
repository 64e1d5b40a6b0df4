package dev.layercache.redis.internal;

import java.util.List;
import java.util.function.Supplier;

/**
 * Raw byte operations of the Redis backend, one implementation per topology. Keys and values are
 * bytes; nothing here knows about entries or the invalidation protocol beyond the scripts of {@link
 * RedisScripts}. Reads say which server incarnation answered ({@link Replies}), so that versions
 * count only within it. Implementations are thread-safe and throw Jedis runtime exceptions.
 */
public interface RedisStore extends AutoCloseable {

  /**
   * Reads entries and tag versions, creating absent tag versions with {@code freshVersion}: one
   * round trip in standalone mode, one pipelined batch per node in a cluster. A version that is
   * stored but is not a decimal counter (written by another client) may be returned as it is, or as
   * null; {@link #createVersions} replaces such values.
   *
   * @param entryKeys keys read as they are
   * @param tagKeys version keys read or created
   * @param create per tag key, whether the read creates it when absent; where false the version is
   *     only read (null when absent), which may cost the server less. Implementations may create
   *     anyway.
   * @param freshVersion makes the decimal text of a fresh version for absent tags, asked only when
   *     the read may create one (a hit on known versions needs none)
   * @param tagTtlMillis decimal text of the version TTL in milliseconds, {@code 0} for none
   * @return the values of the entry keys, then of the tag keys; null where absent
   */
  Replies fetch(
      List<byte[]> entryKeys,
      List<byte[]> tagKeys,
      boolean[] create,
      Supplier<byte[]> freshVersion,
      byte[] tagTtlMillis);

  /**
   * Reads tag versions, creating absent ones and replacing any value that is not a decimal counter
   * (or not a string) with {@code freshVersion}.
   *
   * @param tagKeys version keys
   * @param freshVersion decimal text of a fresh version
   * @param tagTtlMillis decimal text of the version TTL in milliseconds, {@code 0} for none
   * @return the versions now stored, null where creating was refused (no memory)
   */
  Replies createVersions(List<byte[]> tagKeys, byte[] freshVersion, byte[] tagTtlMillis);

  /**
   * Reads keys as they are.
   *
   * @param keys the keys
   * @return their values in the same order, null where absent
   */
  Replies get(List<byte[]> keys);

  /**
   * Gives each tag version a value never used before, then deletes the entry keys.
   *
   * @param tagKeys version keys to bump
   * @param entryKeys keys to delete afterwards
   * @param freshVersion decimal text of a fresh version for tags that are absent or unreadable
   * @param tagTtlMillis decimal text of the version TTL in milliseconds, {@code 0} for none
   */
  void bumpAndDelete(
      List<byte[]> tagKeys, List<byte[]> entryKeys, byte[] freshVersion, byte[] tagTtlMillis);

  /**
   * Runs a per-tag script ({@link RedisScripts#LOCK}, {@link RedisScripts#UNLOCK}) over tag version
   * keys: one call in standalone mode, one per key (pipelined per node) in a cluster.
   *
   * @param script the script, whose KEYS are tag version keys
   * @param tagKeys version keys
   * @param args the script's ARGV, the same for every key
   */
  void updateTags(RedisScripts script, List<byte[]> tagKeys, List<byte[]> args);

  /**
   * Stores a value with a time to live.
   *
   * @param key the key
   * @param value the value
   * @param ttlMillis milliseconds, at least 1
   */
  void set(byte[] key, byte[] value, long ttlMillis);

  /**
   * Deletes a key if present.
   *
   * @param key the key
   */
  void delete(byte[] key);

  /** Closes connections this store opened. Idempotent. */
  @Override
  void close();
}
