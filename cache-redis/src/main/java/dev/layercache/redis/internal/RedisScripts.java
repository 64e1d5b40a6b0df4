package dev.layercache.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two Lua scripts of the backend. Each runs atomically on the server, so a reader that creates
 * an absent tag version and a writer that bumps it can never both believe they set it.
 *
 * <p>Tag versions are created with {@code INCRBY key fresh} on an absent key (exactly the fresh
 * value) and bumped with {@code INCR}; a version that is absent, not a decimal counter or of
 * another type restarts from a fresh value passed by the client, never from a plain {@code INCR} of
 * a missing key, which would give 1, a value that may have been used before. Inside scripts, values
 * are read with {@code GET} and entries removed with {@code DEL}, commands the backend does not
 * issue on its own, so {@code INFO commandstats} tells round trips from scripted work.
 *
 * <p>A tag being written holds a lock instead of a counter ({@code TagVersions.lockText}); the
 * scripts read and keep it, and only its small numbers (holders, deadline) are computed in Lua,
 * whose numbers are doubles: versions are carried as text.
 */
public final class RedisScripts {
  // A write lock as TagVersions.lockText stores it: L<holders>:<deadline>:<version>.
  private static final String LOCK_PATTERN = "local LOCK = '^L(%d+):(%d+):%d+$'";

  /**
   * Reads entries and tag versions in one call. KEYS: entry keys, then tag version keys. ARGV:
   * number of entry keys, a fresh version, the version TTL in milliseconds (0: none). Returns one
   * value per key, nil where absent. A missing tag version is created so that a miss needs no
   * second round trip before loading; where creation is refused (maxmemory with noeviction) it
   * reads as absent.
   */
  public static final RedisScripts READ =
      new RedisScripts(
          String.join(
              "\n",
              LOCK_PATTERN,
              "local entries = tonumber(ARGV[1])",
              "local ttl = tonumber(ARGV[3])",
              "local values = {}",
              "for i, key in ipairs(KEYS) do",
              "  local raw = redis.pcall('GET', key)",
              "  local v = type(raw) == 'string' and raw or false",
              "  if i > entries and not (v and (string.match(v, '^%d+$') or string.match(v, LOCK))) then",
              "    v = false",
              "    if raw then redis.pcall('DEL', key) end",
              "    if type(redis.pcall('INCRBY', key, ARGV[2])) == 'number' then",
              "      v = ARGV[2]",
              "      if ttl > 0 then redis.pcall('PEXPIRE', key, ttl) end",
              "    end",
              "  end",
              "  values[i] = v",
              "end",
              "return values"));

  /**
   * Bumps tag versions, then deletes entries. KEYS: tag version keys, then entry keys. ARGV: number
   * of tag keys, a fresh version, the version TTL in milliseconds (0: none). Returns the number of
   * tags bumped.
   */
  public static final RedisScripts BUMP =
      new RedisScripts(
          String.join(
              "\n",
              LOCK_PATTERN,
              "local tags = tonumber(ARGV[1])",
              "local ttl = tonumber(ARGV[3])",
              "for i = 1, tags do",
              "  local key = KEYS[i]",
              "  local raw = redis.pcall('GET', key)",
              "  local bumped = false",
              "  if type(raw) == 'string' and string.match(raw, '^%d+$') then",
              "    bumped = type(redis.pcall('INCR', key)) == 'number'",
              "  elseif type(raw) == 'string' then",
              "    local count, deadline = string.match(raw, LOCK)",
              "    if count then",
              "      -- a bump keeps the lock (its holders and deadline) and changes its version",
              "      redis.call('SET', key, 'L' .. count .. ':' .. deadline .. ':' .. ARGV[2])",
              "      bumped = true",
              "    end",
              "  end",
              "  if not bumped then",
              "    if raw then redis.call('DEL', key) end",
              "    redis.call('INCRBY', key, ARGV[2])",
              "  end",
              "  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end",
              "end",
              "for i = tags + 1, #KEYS do redis.call('DEL', KEYS[i]) end",
              "return tags"));

  /**
   * Locks tag versions ({@code CacheBackend.lockTags}), as {@code TagVersions.locked} describes:
   * one more holder of a live lock, else a new lock held once; either way a new version. KEYS: tag
   * version keys. ARGV: a fresh version, the version TTL in milliseconds (0: none), the caller's
   * wall-clock time and the lock's deadline, in epoch milliseconds. Returns the number of tags.
   */
  public static final RedisScripts LOCK =
      new RedisScripts(
          String.join(
              "\n",
              LOCK_PATTERN,
              "local ttl = tonumber(ARGV[2])",
              "local now = tonumber(ARGV[3])",
              "for _, key in ipairs(KEYS) do",
              "  local raw = redis.pcall('GET', key)",
              "  local count, deadline = 1, ARGV[4]",
              "  if type(raw) == 'string' then",
              "    local c, d = string.match(raw, LOCK)",
              "    if c and tonumber(d) > now then",
              "      count = tonumber(c) + 1",
              "      if tonumber(d) > tonumber(deadline) then deadline = d end",
              "    end",
              "  end",
              "  redis.call('SET', key, 'L' .. string.format('%d', count) .. ':' .. deadline .. ':' .. ARGV[1])",
              "  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end",
              "end",
              "return #KEYS"));

  /**
   * Releases one lock of each tag version ({@code CacheBackend.unlockTags}), as {@code
   * TagVersions.unlocked} describes: one holder fewer of a live lock held more than once, else the
   * fresh version, unlocked. KEYS: tag version keys. ARGV: a fresh version, the version TTL in
   * milliseconds (0: none), the caller's wall-clock time in epoch milliseconds. Returns the number
   * of tags.
   */
  public static final RedisScripts UNLOCK =
      new RedisScripts(
          String.join(
              "\n",
              LOCK_PATTERN,
              "local ttl = tonumber(ARGV[2])",
              "local now = tonumber(ARGV[3])",
              "for _, key in ipairs(KEYS) do",
              "  local raw = redis.pcall('GET', key)",
              "  local v = ARGV[1]",
              "  if type(raw) == 'string' then",
              "    local c, d = string.match(raw, LOCK)",
              "    if c and tonumber(c) > 1 and tonumber(d) > now then",
              "      v = 'L' .. string.format('%d', tonumber(c) - 1) .. ':' .. d .. ':' .. ARGV[1]",
              "    end",
              "  end",
              "  redis.call('SET', key, v)",
              "  if ttl > 0 then redis.call('PEXPIRE', key, ttl) end",
              "end",
              "return #KEYS"));

  private final byte[] body;
  private final byte[] sha1;

  private RedisScripts(String body) {
    this.body = body.getBytes(StandardCharsets.UTF_8);
    this.sha1 = sha1Hex(this.body);
  }

  /**
   * The script text, for {@code EVAL} when the server does not know it (after a restart).
   *
   * @return the body; do not modify
   */
  public byte[] body() {
    return body;
  }

  /**
   * The script's SHA-1 in lowercase hex, for {@code EVALSHA}.
   *
   * @return the digest; do not modify
   */
  public byte[] sha1() {
    return sha1;
  }

  private static byte[] sha1Hex(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(body);
      return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
