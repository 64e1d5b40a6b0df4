package dev.layercache.redis;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Pooled clients for tests to plant and inspect keys, built from the constructors that Jedis 6, 7
 * and 8 all have (the suite runs against the oldest and the newest supported Jedis).
 */
@SuppressWarnings("deprecation") // the one UnifiedJedis constructor all three versions share
final class AdminClients {
  private AdminClients() {}

  static UnifiedJedis pooled(String host, int port) {
    return new UnifiedJedis(
        new PooledConnectionProvider(new HostAndPort(host, port)), 1, Duration.ofSeconds(5));
  }

  static UnifiedJedis pooled(URI uri) {
    return pooled(
        JedisURIHelper.getHostAndPort(uri).getHost(), JedisURIHelper.getHostAndPort(uri).getPort());
  }
}
