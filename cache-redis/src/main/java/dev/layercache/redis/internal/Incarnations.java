package dev.layercache.redis.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.layercache.CacheBackendException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Which incarnation of a Redis server answered a read, so that a tag version counts only within the
 * incarnation it was read from.
 *
 * <p>A server restarted from an RDB or AOF file, or a replica promoted while it lagged, holds
 * entries together with the tag versions they were stored under, but not every bump made since:
 * such an entry would validate again. Each server process has a random {@code run_id}, and a
 * promotion gives the server a new replication id, so the pair names one history of the data. Every
 * connection is asked for it once, before its first reply is used, and each version read over it is
 * folded with that pair ({@link #mix}): an entry stored under an earlier incarnation carries
 * versions that no longer match, so it is a miss, and the tags themselves need not be touched.
 * Every application server derives the same fold from the same pair, with no key to agree on.
 *
 * <p>Restarts and failovers close every client connection (Sentinel kills them after a
 * reconfiguration), so a connection never spans two incarnations.
 */
public final class Incarnations {
  private static final Logger LOG = LoggerFactory.getLogger(Incarnations.class);

  /** The fold of a connection that is not checked: versions pass unchanged. */
  public static final long UNCHECKED = 0;

  private static final CommandObject<String> INFO_SERVER = info("server");
  private static final CommandObject<String> INFO_REPLICATION = info("replication");

  // Weak keys compare by identity: a pooled connection is asked once in its life.
  private final Cache<Connection, Long> checked = Caffeine.newBuilder().weakKeys().build();
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  /**
   * The fold for replies read over a connection, asking the server on the connection's first use.
   *
   * @param connection a connection about to carry a read
   * @return the connection's fold, never {@link #UNCHECKED}
   * @throws CacheBackendException if the server refuses {@code INFO} (an ACL without {@code
   *     +info}): without it a restart from a snapshot could not be told
   */
  public long of(Connection connection) {
    Long known = checked.getIfPresent(connection);
    if (known != null) {
      return known;
    }
    long fold = ask(connection);
    checked.put(connection, fold);
    return fold;
  }

  /**
   * A fold that matches nothing stored: for a reply whose server is unknown (a redirected cluster
   * command), so that its versions validate no entry.
   *
   * @return a random fold
   */
  public static long unknown() {
    long r = ThreadLocalRandom.current().nextLong();
    return r == UNCHECKED ? 1 : r;
  }

  private long ask(Connection connection) {
    String server;
    String replication;
    try {
      server = connection.executeCommand(INFO_SERVER);
      replication = connection.executeCommand(INFO_REPLICATION);
    } catch (JedisDataException e) {
      throw new CacheBackendException(
          "Redis refused INFO ("
              + e.getMessage()
              + "); it tells a server restarted from a snapshot or a promoted replica, whose old"
              + " entries must not be served: grant the user +info, or build the backend with"
              + " detectRestarts(false)",
          e);
    }
    String runId = field(server, "run_id");
    String replicationId = field(replication, "master_replid");
    String identity = runId + '/' + replicationId;
    String address = connection.toString();
    String before = lastSeen.put(address, identity);
    if (before != null && !before.equals(identity)) {
      LOG.info(
          "Redis {} is a new incarnation (run_id/replication id {} -> {}): entries stored before"
              + " it are misses until filled again",
          address,
          before,
          identity);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("Redis {} incarnation {}", address, identity);
    }
    return foldOf(identity);
  }

  /**
   * Folds a tag version with the incarnation it was read from. Absent, locked and other special
   * values ({@code <= 0}) pass unchanged; so does every version under {@link #UNCHECKED}.
   *
   * @param fold the connection's fold
   * @param version a version as stored
   * @return a positive version, the same for the same pair, different (but for a 2^-63 chance) for
   *     another incarnation
   */
  public static long mix(long fold, long version) {
    if (version <= 0 || fold == UNCHECKED) {
      return version;
    }
    // A bijective 64-bit finaliser (as in MurmurHash3) over the version and the fold.
    long x = (version * 0x9E3779B97F4A7C15L) ^ fold;
    x ^= x >>> 33;
    x *= 0xFF51AFD7ED558CCDL;
    x ^= x >>> 33;
    x *= 0xC4CEB9FE1A85EC53L;
    x ^= x >>> 33;
    x &= Long.MAX_VALUE;
    return x == 0 ? 1 : x;
  }

  static long foldOf(String identity) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      long fold = ByteBuffer.wrap(digest).getLong();
      return fold == UNCHECKED ? 1 : fold;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** The value of one {@code name:value} line of an {@code INFO} reply, empty if absent. */
  static String field(String info, String name) {
    String prefix = name + ':';
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return "";
  }

  private static CommandObject<String> info(String section) {
    return new CommandObject<>(
        new CommandArguments(Protocol.Command.INFO).add(section), BuilderFactory.STRING);
  }
}
