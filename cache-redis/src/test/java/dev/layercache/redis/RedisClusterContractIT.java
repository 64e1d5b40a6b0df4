package dev.layercache.redis;

import dev.layercache.spi.CacheBackend;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;

/** The Redis backend against a real three-master Redis Cluster passes the backend contract. */
@SuppressWarnings("deprecation") // JedisCluster: its replacement is not in Jedis 6
class RedisClusterContractIT extends RedisContractTest {
  private static RedisTestCluster cluster;
  private static JedisCluster admin;

  @BeforeAll
  static void startCluster() {
    cluster = RedisTestCluster.start(3, 0);
    Set<HostAndPort> seeds =
        cluster.seeds().stream().map(HostAndPort::from).collect(Collectors.toSet());
    admin = new JedisCluster(seeds);
  }

  @AfterAll
  static void stopCluster() {
    admin.close();
    cluster.close();
  }

  @Override
  protected CacheBackend createBackend() {
    return patient(RedisBackend.builder().cluster(cluster.seeds())).build();
  }

  @Override
  protected UnifiedJedis admin() {
    return admin;
  }
}
