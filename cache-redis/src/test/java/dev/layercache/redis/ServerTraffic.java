package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * What Redis servers received while an action ran, counted by the servers themselves: requests are
 * the read events each processed ({@code INFO stats total_reads_processed}; a pipeline sent in one
 * write is one), and the commands they carried come from {@code INFO commandstats}. Both are reset
 * before the action; the counting's own {@code INFO} calls and the clients' background health
 * checks are taken off.
 */
final class ServerTraffic {
  // Requests of their own that the action did not send: pool health checks, slot-map refreshes.
  private static final Set<String> BACKGROUND = Set.of("ping", "cluster|slots", "cluster|shards");
  // The counting's own commands (their read events are not counted, see below).
  private static final Set<String> COUNTING = Set.of("info", "config|resetstat");
  // Commands a script runs are counted by commandstats too, but are no requests of their own.
  private static final Set<String> SCRIPTED = Set.of("incrby", "incr", "pexpire", "del");

  /**
   * What the servers received.
   *
   * @param requests all servers' requests
   * @param mostOnOneServer the most requests any one server received
   * @param commands calls per command, all servers together
   */
  record Traffic(long requests, long mostOnOneServer, Map<String, Long> commands) {}

  private ServerTraffic() {}

  static Traffic measure(List<Jedis> servers, Runnable action) {
    for (Jedis s : servers) {
      s.configResetStat();
    }
    action.run();
    long requests = 0;
    long most = 0;
    Map<String, Long> commands = new TreeMap<>();
    for (Jedis s : servers) {
      // The read event of this INFO is counted before it runs; CONFIG RESETSTAT's was reset by it.
      long received = field(s.info("stats"), "total_reads_processed") - 1;
      for (String line : s.info("commandstats").split("\r?\n")) {
        if (!line.startsWith("cmdstat_")) {
          continue;
        }
        String command = line.substring("cmdstat_".length(), line.indexOf(':'));
        int from = line.indexOf("calls=") + "calls=".length();
        long calls = Long.parseLong(line.substring(from, line.indexOf(',', from)));
        if (BACKGROUND.contains(command)) {
          received -= calls;
        } else if (!COUNTING.contains(command) && !SCRIPTED.contains(command)) {
          commands.merge(command, calls, Long::sum);
        }
      }
      requests += received;
      most = Math.max(most, received);
    }
    return new Traffic(requests, most, commands);
  }

  /**
   * Stores {@code count} entries, then measures one {@code getAll} of them, which must find all.
   *
   * @param servers the servers to count on
   * @param cache the cache under test
   * @param policy the policy of the puts and of the read
   * @param count how many keys
   * @return what the servers received for the {@code getAll}
   */
  static Traffic ofGetAllHits(
      List<Jedis> servers, LayerCache cache, CachePolicy policy, int count) {
    List<CacheKey> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(CacheKey.of("bulk", i));
      cache.put(keys.get(i), "v" + i, policy);
    }
    return measure(
        servers,
        () -> {
          try {
            assertThat(cache.getAll(keys, String.class, policy, missing -> Map.of()))
                .hasSize(count);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static long field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new IllegalStateException("INFO has no " + name + ": " + info);
  }
}
