package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.Key;
import dev.layercache.redis.RedisBackend;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.AopTestUtils;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link LayerCacheManager} and the annotations over a real Redis, shared by two application
 * servers (two contexts with one namespace): what one caches the other decodes as the methods'
 * types, and an eviction or a transaction's lock on one is seen by the other.
 */
class RedisCacheManagerIT {
  public record User(long id, String name) {}

  /** The database both servers read, shared, and each server's own count of reads. */
  static final Map<Long, String> NAMES = new ConcurrentHashMap<>();

  public static class Users {
    final AtomicInteger loads = new AtomicInteger();

    @Cacheable("users")
    public User find(long id) {
      loads.incrementAndGet();
      return new User(id, NAMES.get(id));
    }

    @Cacheable("friends")
    public List<User> friends(long id) {
      loads.incrementAndGet();
      return List.of(new User(id + 1, "f1"), new User(id + 2, "f2"));
    }

    @Cacheable("maybe")
    public Optional<User> maybe(long id) {
      loads.incrementAndGet();
      return Optional.ofNullable(NAMES.get(id)).map(n -> new User(id, n));
    }

    @Cacheable("nicknames")
    public String nickname(long id) {
      loads.incrementAndGet();
      return null;
    }

    public int loads() {
      return loads.get();
    }

    @CacheEvict(cacheNames = "users", key = "#id")
    public void rename(long id, String name) {
      NAMES.put(id, name);
    }

    @CacheEvict(cacheNames = "users", allEntries = true)
    public void renameAll() {}
  }

  public interface Profiles {
    @Cached(name = "profile", ttl = "10m")
    User profile(long id);

    @Evict(name = "profile")
    void rename(@Key long id, String name);
  }

  public static class MapProfiles implements Profiles {
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public User profile(long id) {
      loads.incrementAndGet();
      return new User(id, NAMES.get(id));
    }

    @Override
    public void rename(long id, String name) {
      NAMES.put(id, name);
    }
  }

  /** A transaction manager with no resource: only transaction synchronization. */
  static final class SynchronizationOnly extends AbstractPlatformTransactionManager {
    private static final long serialVersionUID = 1L;

    @Override
    protected Object doGetTransaction() {
      return new Object();
    }

    @Override
    protected void doBegin(
        Object transaction, org.springframework.transaction.TransactionDefinition definition) {}

    @Override
    protected void doCommit(DefaultTransactionStatus status) {}

    @Override
    protected void doRollback(DefaultTransactionStatus status) {}
  }

  @Configuration
  @EnableCaching
  @EnableLayerCache
  static class Server {
    @Bean
    LayerCacheManager cacheManager(LayerCache cache) {
      return LayerCacheManager.builder(cache).build();
    }

    @Bean
    Users users() {
      return new Users();
    }

    @Bean
    MapProfiles profiles() {
      return new MapProfiles();
    }
  }

  private final String namespace = "rs" + UUID.randomUUID().toString().substring(0, 8);
  private AnnotationConfigApplicationContext one;
  private AnnotationConfigApplicationContext two;

  private AnnotationConfigApplicationContext server() {
    AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
    ctx.registerBean(
        LayerCache.class,
        () ->
            LayerCache.builder()
                .namespace(namespace)
                .backend(
                    RedisBackend.builder()
                        .uri(TestServers.redisUri())
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(10))
                        .poolMaxWait(Duration.ofSeconds(10))
                        .build())
                .slowCallThreshold(Duration.ofSeconds(10))
                .build());
    ctx.register(Server.class);
    ctx.refresh();
    return ctx;
  }

  @BeforeEach
  void start() {
    NAMES.clear();
    NAMES.put(1L, "ann");
    NAMES.put(2L, "bob");
    one = server();
    two = server();
  }

  @AfterEach
  void stop() {
    one.close();
    two.close();
  }

  @Test
  void values_cachedByOneServer_decodeOnTheOtherAsTheMethodsTypes() {
    Users a = one.getBean(Users.class);
    Users b = two.getBean(Users.class);
    assertThat(a.find(1)).isEqualTo(new User(1, "ann"));
    assertThat(a.friends(1)).containsExactly(new User(2, "f1"), new User(3, "f2"));
    assertThat(a.maybe(2)).contains(new User(2, "bob"));
    assertThat(a.maybe(9)).isEmpty();
    assertThat(a.nickname(1)).isNull();

    assertThat(b.find(1)).isEqualTo(new User(1, "ann"));
    assertThat(b.friends(1)).containsExactly(new User(2, "f1"), new User(3, "f2"));
    assertThat(b.maybe(2)).contains(new User(2, "bob"));
    assertThat(b.maybe(9)).isEmpty();
    assertThat(b.nickname(1)).isNull();
    assertThat(b.loads()).as("every value came from Redis, decoded").isZero();
  }

  @Test
  void evictionAndClear_onOneServer_areSeenByTheOther() {
    Users a = one.getBean(Users.class);
    Users b = two.getBean(Users.class);
    b.find(1);
    b.find(2);
    a.rename(1, "anne");
    assertThat(b.find(1).name()).isEqualTo("anne");
    NAMES.put(2L, "robert");
    a.renameAll();
    assertThat(b.find(2).name()).isEqualTo("robert");
    assertThat(b.loads()).isEqualTo(4);
  }

  @Test
  void cachedAndEvict_onBeans_overRedis() {
    Profiles a = one.getBean(Profiles.class);
    Profiles b = two.getBean(Profiles.class);
    assertThat(a.profile(1).name()).isEqualTo("ann");
    assertThat(b.profile(1).name()).isEqualTo("ann");
    assertThat(AopTestUtils.<MapProfiles>getTargetObject(b).loads).hasValue(0);
    a.rename(1, "anne");
    assertThat(b.profile(1).name()).isEqualTo("anne");
  }

  @Test
  void evictionInATransaction_locksTheKeyForTheOtherServer_untilTheCommit() {
    Users a = one.getBean(Users.class);
    Users b = two.getBean(Users.class);
    b.find(1);
    new TransactionTemplate(new SynchronizationOnly())
        .executeWithoutResult(
            s -> {
              a.rename(1, "anne");
              int loads = b.loads();
              b.find(1);
              b.find(1);
              assertThat(b.loads() - loads)
                  .as("locked: neither served nor stored on the other server")
                  .isEqualTo(2);
            });
    assertThat(b.find(1).name()).isEqualTo("anne");
    int loads = b.loads();
    assertThat(b.find(1).name()).isEqualTo("anne");
    assertThat(b.loads()).isEqualTo(loads);
  }
}
