package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheKey;
import dev.layercache.InvalidCacheKeyException;
import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.local.LocalBackend;
import dev.layercache.spring.internal.SpringKeys;
import dev.layercache.spring.logs.RecordedLogs;
import dev.layercache.sql.CachingDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * Spring's caching annotations over a {@link LayerCacheManager}, on the local backend; the same
 * over Redis and across two application servers is {@code RedisCacheManagerIT}.
 */
@SpringJUnitConfig(LayerCacheManagerTest.Config.class)
class LayerCacheManagerTest {
  public record User(long id, String name) {}

  /** The rows the service reads, how often it read them, and a hook inside its method. */
  public static final class Rows {
    final Map<Long, String> names = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    volatile Runnable whileLoading = () -> {};
    volatile CompletableFuture<User> pending = new CompletableFuture<>();
  }

  public static class Users {
    final Rows rows;
    final JdbcTemplate sql;

    Users(Rows rows, JdbcTemplate sql) {
      this.rows = rows;
      this.sql = sql;
    }

    User read(long id) {
      rows.loads.incrementAndGet();
      String name = rows.names.get(id);
      rows.whileLoading.run();
      return new User(id, name);
    }

    @Cacheable("users")
    public User find(long id) {
      return read(id);
    }

    @Cacheable(cacheNames = "users", sync = true)
    public User findSync(long id) {
      return read(id);
    }

    @CachePut(cacheNames = "users", key = "#user.id")
    public User save(User user) {
      rows.names.put(user.id(), user.name());
      return user;
    }

    @CacheEvict("users")
    public void delete(long id) {
      rows.names.remove(id);
    }

    @CacheEvict(cacheNames = "users", allEntries = true)
    public void deleteAll() {}

    @Cacheable("nicknames")
    public String nickname(long id) {
      rows.loads.incrementAndGet();
      String name = rows.names.get(id);
      return name == null ? null : name.substring(0, 1);
    }

    @Cacheable("maybe")
    public Optional<User> maybe(long id) {
      rows.loads.incrementAndGet();
      return Optional.ofNullable(rows.names.get(id)).map(n -> new User(id, n));
    }

    @Cacheable("friends")
    public List<User> friends(long id) {
      rows.loads.incrementAndGet();
      return List.of(new User(id + 1, "f1"), new User(id + 2, "f2"));
    }

    @Cacheable("pairs")
    public String pair(long a, String b) {
      rows.loads.incrementAndGet();
      return a + b;
    }

    @Cacheable("mixed")
    public User mixedUser(long id) {
      return read(id);
    }

    @Cacheable("mixed")
    public String mixedName(String id) {
      return id;
    }

    @Cacheable("things")
    public String thing(Object o) {
      return "thing";
    }

    /** Completed by the test, on a thread of its own. */
    @Cacheable("async")
    public CompletableFuture<User> async(long id) {
      rows.loads.incrementAndGet();
      return rows.pending;
    }

    @Cacheable(cacheNames = "asyncSync", sync = true)
    public CompletableFuture<User> asyncSync(long id) {
      rows.loads.incrementAndGet();
      return CompletableFuture.completedFuture(new User(id, rows.names.get(id)));
    }

    @Cacheable("titles")
    public String title(long id) {
      rows.loads.incrementAndGet();
      return sql.queryForObject("SELECT title FROM titles WHERE id = ?", String.class, id);
    }

    @Cacheable(cacheNames = "syncTitles", sync = true)
    public String titleSync(long id) {
      rows.loads.incrementAndGet();
      return sql.queryForObject("SELECT title FROM titles WHERE id = ?", String.class, id);
    }
  }

  /** LayerCache's own annotation, for the same cache name. */
  public static class CachedUsers {
    final Rows rows;

    CachedUsers(Rows rows) {
      this.rows = rows;
    }

    @Cached(name = "users")
    public User find(long id) {
      rows.loads.incrementAndGet();
      return new User(id, "from @Cached");
    }
  }

  @Configuration
  @EnableCaching
  @EnableLayerCache
  static class Config {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("mgr").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    LayerCacheManager cacheManager(LayerCache cache) {
      return LayerCacheManager.builder(cache).build();
    }

    @Bean
    DataSource dataSource(LayerCache cache) {
      DataSource h2 =
          new DriverManagerDataSource("jdbc:h2:mem:manager;DB_CLOSE_DELAY=-1", "sa", "");
      JdbcTemplate setUp = new JdbcTemplate(h2);
      setUp.execute("CREATE TABLE titles (id BIGINT PRIMARY KEY, title VARCHAR(40))");
      setUp.update("INSERT INTO titles VALUES (1, 'one'), (2, 'two')");
      return CachingDataSource.wrap(h2, cache);
    }

    @Bean
    Rows rows() {
      return new Rows();
    }

    @Bean
    Users users(Rows rows, DataSource ds) {
      return new Users(rows, new JdbcTemplate(ds));
    }

    @Bean
    CachedUsers cachedUsers(Rows rows) {
      return new CachedUsers(rows);
    }
  }

  private static final ExecutorService OTHER_THREAD = Executors.newSingleThreadExecutor();

  @AfterAll
  static void stop() {
    OTHER_THREAD.shutdownNow();
  }

  @Autowired Users users;
  @Autowired CachedUsers cachedUsers;
  @Autowired Rows rows;
  @Autowired CacheManager manager;
  @Autowired LayerCache cache;
  @Autowired DataSource dataSource;

  @BeforeEach
  void reset() {
    rows.names.put(1L, "ann");
    rows.loads.set(0);
    rows.whileLoading = () -> {};
    RecordedLogs.reset();
  }

  private int loads() {
    return rows.loads.get();
  }

  @Test
  void cacheable_storesTheResult_andAHitSkipsTheMethod() {
    rows.names.put(10L, "ten");
    assertThat(users.find(10)).isEqualTo(new User(10, "ten"));
    assertThat(users.find(10)).isEqualTo(new User(10, "ten"));
    assertThat(loads()).isOne();
    assertThat(manager.getCache("users").getNativeCache()).isSameAs(cache);
  }

  @Test
  void nullResult_isCachedAndToldFromAMiss() {
    assertThat(users.nickname(11)).isNull();
    assertThat(users.nickname(11)).isNull();
    assertThat(loads()).isOne();
    Cache nicknames = manager.getCache("nicknames");
    assertThat(nicknames.get(11L)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
    assertThat(nicknames.get(12L)).isNull();
    CompletableFuture<?> retrieved = nicknames.retrieve(11L);
    assertThat(retrieved).isNotNull();
    assertThat(retrieved.join()).isInstanceOf(Cache.ValueWrapper.class);
    assertThat(nicknames.retrieve(12L)).isNull();
  }

  @Test
  void withoutNullValues_aNullIsRefused() {
    Cache strict =
        LayerCacheManager.builder(cache)
            .allowNullValues(false)
            .valueType("strict", String.class)
            .build()
            .getCache("strict");
    assertThatThrownBy(() -> strict.put(1L, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strict");
    assertThatThrownBy(() -> strict.get(2L, () -> null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionalAndGenericResults_areCachedAsTheirValues() {
    assertThat(users.maybe(1)).contains(new User(1, "ann"));
    assertThat(users.maybe(1)).contains(new User(1, "ann"));
    assertThat(users.maybe(13)).isEmpty();
    assertThat(users.maybe(13)).isEmpty();
    assertThat(users.friends(1)).hasSize(2);
    assertThat(users.friends(1)).hasSize(2);
    assertThat(loads()).isEqualTo(3);
    assertThat(manager.getCache("maybe").get(1L, User.class)).isEqualTo(new User(1, "ann"));
  }

  @Test
  void valueTypes_areTheReturnTypesOfTheAnnotatedMethods() {
    users.find(1);
    Cache usersCache = manager.getCache("users");
    assertThat(usersCache.get(1L, User.class)).isEqualTo(new User(1, "ann"));
    assertThat(usersCache.get(1L)).isNotNull(); // one type: known outside the methods too
    assertThatThrownBy(() -> usersCache.get(1L, String.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a value type of Spring cache 'users'");
    users.mixedUser(1);
    users.mixedName("x");
    assertThat(users.mixedName("x")).isEqualTo("x");
    assertThatThrownBy(() -> manager.getCache("mixed").get(1L))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("several types");
    assertThatThrownBy(() -> manager.getCache("undeclared").get(1L))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no @Cacheable or @CachePut method names Spring cache 'undeclared'");
  }

  @Test
  void keys_areSpringsKeysAsCacheKeys_ofTheirOwnName() {
    assertThat(users.pair(14, "a")).isEqualTo("14a");
    assertThat(cache.get(CacheKey.of("spring.pairs", 14L, "a"), String.class)).isEqualTo("14a");
    assertThat(users.pair(14, "a")).isEqualTo("14a");
    assertThat(loads()).isOne();
  }

  @Test
  void clear_reachesEveryEntryTheSpringCacheServes_noneOfCachedOfTheSameName() {
    rows.names.put(15L, "fifteen");
    assertThat(cachedUsers.find(15))
        .as("@Cached(name = \"users\") fills its own entry")
        .isEqualTo(new User(15, "from @Cached"));
    assertThat(users.find(15))
        .as("@Cacheable(\"users\") does not read it")
        .isEqualTo(new User(15, "fifteen"));
    manager.getCache("users").clear();
    assertThat(manager.getCache("users").get(15L))
        .as("after clear() the Spring cache returns nothing it held")
        .isNull();
  }

  @Test
  void keyPartOfAnUnsupportedType_failsNamingTheType() {
    assertThatThrownBy(() -> users.thing(new Object()))
        .isInstanceOf(InvalidCacheKeyException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("things");
  }

  @Test
  void cacheNames_thatAreNoKeyNames_areMappedDeterministically() {
    assertThat(SpringKeys.keyName("users")).isEqualTo("spring.users");
    String mapped = SpringKeys.keyName("user:profile");
    assertThat(mapped)
        .matches("spring\\.user_profile-[0-9a-f]{16}")
        .isEqualTo(SpringKeys.keyName("user:profile"));
    assertThat(SpringKeys.keyName("user;profile")).isNotEqualTo(mapped);
    assertThat(SpringKeys.keyName("x".repeat(100))).hasSizeLessThanOrEqualTo(64);
  }

  @Test
  void cacheable_evictedWhileTheMethodRan_isNotCachedPastTheEviction() {
    rows.names.put(16L, "old");
    rows.whileLoading =
        () -> {
          rows.whileLoading = () -> {};
          rows.names.put(16L, "new");
          users.delete(16); // a write and its eviction, after the method read "old"
          rows.names.put(16L, "new");
        };
    assertThat(users.find(16).name()).isEqualTo("old");
    // Spring's put stored "old" with the versions read before the method: stale at birth.
    assertThat(users.find(16).name()).isEqualTo("new");
  }

  @Test
  void sync_evictedWhileTheMethodRan_isNotCachedPastTheEviction() {
    rows.names.put(17L, "old");
    rows.whileLoading =
        () -> {
          rows.whileLoading = () -> {};
          users.delete(17);
          rows.names.put(17L, "new");
        };
    assertThat(users.findSync(17).name()).isEqualTo("old");
    assertThat(users.findSync(17).name()).isEqualTo("new");
    assertThat(users.findSync(17).name()).isEqualTo("new");
    assertThat(loads()).isEqualTo(2);
  }

  private void retitle(long id, String title) {
    new JdbcTemplate(dataSource).update("UPDATE titles SET title = ? WHERE id = ?", title, id);
  }

  @Test
  void cacheable_dependsOnTheTablesItRead() {
    assertThat(users.title(1)).isEqualTo("one");
    assertThat(users.title(1)).isEqualTo("one");
    retitle(1, "uno"); // through the CachingDataSource: invalidates table titles
    assertThat(users.title(1)).isEqualTo("uno");
    assertThat(loads()).isEqualTo(2);
  }

  @Test
  void syncCacheable_dependsOnTheTablesItRead() {
    assertThat(users.titleSync(2)).isEqualTo("two");
    assertThat(users.titleSync(2)).isEqualTo("two");
    retitle(2, "dos");
    assertThat(users.titleSync(2)).isEqualTo("dos");
    assertThat(loads()).isEqualTo(2);
  }

  @Test
  void completableFuture_isFilledWhenItCompletes_onAnotherThread() throws Exception {
    rows.pending = new CompletableFuture<>();
    CompletableFuture<User> first = users.async(18);
    assertThat(first).isNotDone();
    OTHER_THREAD.submit(() -> rows.pending.complete(new User(18, "eighteen"))).get();
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(new User(18, "eighteen"));
    rows.pending = new CompletableFuture<>(); // would never complete: a hit must not call it
    assertThat(users.async(18).get(30, TimeUnit.SECONDS)).isEqualTo(new User(18, "eighteen"));
    assertThat(loads()).isOne();
  }

  @Test
  void completableFuture_evictedBeforeItCompletes_isNotCachedPastTheEviction() throws Exception {
    rows.pending = new CompletableFuture<>();
    CompletableFuture<User> first = users.async(19);
    manager.getCache("async").evict(19L); // a write after the lookup, before the value
    OTHER_THREAD.submit(() -> rows.pending.complete(new User(19, "old"))).get();
    assertThat(first.get(30, TimeUnit.SECONDS).name()).isEqualTo("old");
    rows.pending = CompletableFuture.completedFuture(new User(19, "new"));
    assertThat(users.async(19).get(30, TimeUnit.SECONDS).name()).isEqualTo("new");
  }

  @Test
  void syncCompletableFuture_isRetrievedThroughItsLoader() throws Exception {
    assertThat(users.asyncSync(1).get(30, TimeUnit.SECONDS)).isEqualTo(new User(1, "ann"));
    assertThat(users.asyncSync(1).get(30, TimeUnit.SECONDS)).isEqualTo(new User(1, "ann"));
    assertThat(loads()).isOne();
  }

  @Test
  void cachePut_storesTheValueAsCurrent_andEvictAllEntriesClears() {
    rows.names.put(20L, "old");
    users.find(20);
    users.save(new User(20, "saved"));
    assertThat(users.find(20).name()).isEqualTo("saved");
    assertThat(loads()).isOne();
    rows.names.put(21L, "x");
    users.find(21);
    users.deleteAll(); // one tag invalidation, whatever the number of entries
    users.find(20);
    users.find(21);
    assertThat(loads()).isEqualTo(4);
  }

  @Test
  void putIfAbsent_keepsAnExistingValue() {
    Cache usersCache = manager.getCache("users");
    assertThat(usersCache.putIfAbsent(22L, new User(22, "first"))).isNull();
    assertThat(usersCache.putIfAbsent(22L, new User(22, "second")).get())
        .isEqualTo(new User(22, "first"));
  }

  @Test
  void debugLogs_sayHitMissAndWhy_traceAddsKeysButNeverParameterValues() {
    RecordedLogs.record("dev.layercache", org.slf4j.event.Level.DEBUG);
    rows.names.put(4242L, "secret-name");
    users.find(4242);
    users.find(4242);
    users.deleteAll();
    users.find(4242);
    List<String> debug = RecordedLogs.lines();
    assertThat(debug)
        .anyMatch(l -> l.contains("mgr 'spring.users': miss (absent)"))
        .anyMatch(l -> l.contains("mgr 'spring.users': hit"))
        .anyMatch(l -> l.contains("mgr 'spring.users': stored"))
        .anyMatch(
            l -> l.contains("mgr 'spring.users': miss (stale: invalidated after it was stored)"));
    String key = CacheKey.of("spring.users", 4242L).toString();
    assertThat(debug).noneMatch(l -> l.contains(key));

    RecordedLogs.reset();
    RecordedLogs.record("dev.layercache", org.slf4j.event.Level.TRACE);
    users.find(4242);
    users.delete(4242);
    List<String> trace = RecordedLogs.lines();
    assertThat(trace).anyMatch(l -> l.contains("mgr 'spring.users' " + key + ": hit"));
    assertThat(trace).anyMatch(l -> l.contains("spring cache 'users' evict " + key));
    List<String> all = new ArrayList<>(debug);
    all.addAll(trace);
    assertThat(all).noneMatch(l -> l.contains("4242") || l.contains("secret-name"));
  }

  @Configuration
  @EnableCaching
  static class WithoutLayerCacheConfig {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("nol").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    LayerCacheManager cacheManager(LayerCache cache) {
      return LayerCacheManager.builder(cache).build();
    }
  }

  @Test
  void manager_underEnableCachingWithoutEnableLayerCache_failsTheStart() {
    assertThatThrownBy(
            () -> new AnnotationConfigApplicationContext(WithoutLayerCacheConfig.class).close())
        .hasStackTraceContaining("add @EnableLayerCache");
  }
}
