package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.Key;
import dev.layercache.local.LocalBackend;
import dev.layercache.spring.internal.TransactionalInvalidation.Timing;
import dev.layercache.sql.CachingDataSource;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evictions inside Spring transactions, against H2 and a real PostgreSQL, with a {@code
 * DataSourceTransactionManager} over a {@code CachingDataSource}. The writer's transaction writes
 * through the caching data source; the cached objects are assembled from a connection the cache
 * does not see (a read replica, another service), so that only the annotations' invalidation
 * protects them. Each race is staged with latches, and run again with an unsafe timing to show it
 * can fail.
 */
class TransactionalInvalidationIT {
  public record Article(long id, String title) {}

  /** The table, the two ways to reach it, and the reads the cache did not answer. */
  public static final class Db {
    final String table = "spring_articles_" + UUID.randomUUID().toString().substring(0, 8);
    final HikariDataSource pool;
    final JdbcTemplate writes;
    final JdbcTemplate replica;
    final AtomicInteger loads = new AtomicInteger();

    Db(HikariDataSource pool, CachingDataSource caching) {
      this.pool = pool;
      this.writes = new JdbcTemplate(caching);
      this.replica = new JdbcTemplate(pool);
      replica.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, title VARCHAR(40))");
      replica.update("INSERT INTO " + table + " VALUES (1, 'old'), (2, 'two')");
    }

    Article load(long id) {
      loads.incrementAndGet();
      return replica.queryForObject(
          "SELECT id, title FROM " + table + " WHERE id = ?",
          (rs, n) -> new Article(rs.getLong(1), rs.getString(2)),
          id);
    }

    String plainRead(long id) {
      return replica.queryForObject(
          "SELECT title FROM " + table + " WHERE id = ?", String.class, id);
    }

    void write(long id, String title) {
      writes.update("UPDATE " + table + " SET title = ? WHERE id = ?", title, id);
    }
  }

  /** LayerCache's annotations. */
  public interface Assembler {
    @Cached(name = "article")
    Article article(long id);

    @Evict(name = "article")
    void retitle(@Key long id, String title);
  }

  public static class JdbcAssembler implements Assembler {
    final Db db;

    JdbcAssembler(Db db) {
      this.db = db;
    }

    @Override
    public Article article(long id) {
      return db.load(id);
    }

    @Override
    public void retitle(long id, String title) {
      db.write(id, title);
    }
  }

  /** The same write in a @Transactional method of its own. */
  public static class TransactionalAssembler extends JdbcAssembler {
    TransactionalAssembler(Db db) {
      super(db);
    }

    @Override
    @Transactional
    public void retitle(long id, String title) {
      super.retitle(id, title);
      BetweenReturnAndCommit.hold();
    }
  }

  /** Spring's annotations over a LayerCacheManager. */
  public static class Service {
    final Db db;

    Service(Db db) {
      this.db = db;
    }

    @Cacheable("articles")
    public Article find(long id) {
      return db.load(id);
    }

    @CacheEvict(cacheNames = "articles", key = "#id")
    public void retitle(long id, String title) {
      db.write(id, title);
    }
  }

  /** Holds a transaction between the end of its method and its commit. */
  static final class BetweenReturnAndCommit {
    static volatile CountDownLatch returned = new CountDownLatch(0);
    static volatile CountDownLatch proceed = new CountDownLatch(0);

    static void arm() {
      returned = new CountDownLatch(1);
      proceed = new CountDownLatch(1);
    }

    static void hold() {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
              returned.countDown();
              await(proceed);
            }
          });
    }
  }

  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private AnnotationConfigApplicationContext context;
  private Db db;

  @AfterEach
  void tearDown() {
    writer.shutdownNow();
    if (db != null) {
      db.replica.execute("DROP TABLE " + db.table);
    }
    if (context != null) {
      context.close(); // closes the pool too
    }
  }

  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the other side of the race never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Configuration
  static class Common {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder()
          .namespace("tx" + UUID.randomUUID().toString().substring(0, 8))
          .backend(LocalBackend.builder().build())
          .build();
    }

    @Bean
    CachingDataSource cachingDataSource(HikariDataSource pool, LayerCache cache) {
      return CachingDataSource.wrap(pool, cache);
    }

    @Bean
    Db db(HikariDataSource pool, CachingDataSource caching) {
      return new Db(pool, caching);
    }

    @Bean
    DataSourceTransactionManager transactionManager(CachingDataSource caching) {
      return new DataSourceTransactionManager(caching);
    }

    @Bean
    TransactionTemplate transactions(PlatformTransactionManager tm) {
      return new TransactionTemplate(tm);
    }
  }

  @Configuration
  static class AdvisorConfig {
    @Bean
    static DefaultAdvisorAutoProxyCreator proxies() {
      return new DefaultAdvisorAutoProxyCreator();
    }

    @Bean
    Assembler assembler(Db db) {
      return new JdbcAssembler(db);
    }
  }

  @Configuration
  @EnableTransactionManagement(order = 0) // outside the cache: the eviction runs inside it
  static class TransactionalAdvisorConfig {
    @Bean
    Assembler assembler(Db db) {
      return new TransactionalAssembler(db);
    }
  }

  @Configuration
  @EnableCaching
  @EnableLayerCache
  static class ManagerConfig {
    @Bean
    Service service(Db db) {
      return new Service(db);
    }
  }

  private void start(Databases database, Class<?> config, Timing timing) {
    HikariDataSource pool = database.pool();
    context = new AnnotationConfigApplicationContext();
    context.registerBean(HikariDataSource.class, () -> pool);
    context.register(Common.class, config);
    if (config == ManagerConfig.class) {
      context.registerBean(
          LayerCacheManager.class,
          () ->
              LayerCacheManager.builder(context.getBean(LayerCache.class)).timing(timing).build());
    } else {
      context.registerBean(
          LayerCacheAdvisor.class,
          () ->
              LayerCacheAdvisor.builder(() -> context.getBean(LayerCache.class))
                  .timing(timing)
                  .build(),
          bd -> bd.setRole(BeanDefinition.ROLE_INFRASTRUCTURE));
    }
    context.refresh();
    db = context.getBean(Db.class);
  }

  private Future<?> inTransaction(Runnable work) {
    TransactionTemplate tx = context.getBean(TransactionTemplate.class);
    return writer.submit(
        () ->
            tx.executeWithoutResult(
                s -> {
                  work.run();
                }));
  }

  /**
   * The writer's method returns inside its transaction; a reader then misses (its entry was evicted
   * or is locked), reads the committed row and fills; the writer commits. What does the next read
   * return?
   */
  private String readFilledBetweenReturnAndCommit(Reads reads, Runnable evictingWrite)
      throws Exception {
    assertThat(reads.title(1)).isEqualTo("old"); // cached
    CountDownLatch returned = new CountDownLatch(1);
    CountDownLatch read = new CountDownLatch(1);
    Future<?> commit =
        inTransaction(
            () -> {
              evictingWrite.run();
              returned.countDown();
              await(read);
            });
    await(returned);
    assertThat(reads.title(1)).as("uncommitted: the reader sees the old row").isEqualTo("old");
    read.countDown();
    commit.get(30, TimeUnit.SECONDS);
    return reads.title(1);
  }

  /**
   * The writer commits and is held after the commit, before the invalidations that follow it, while
   * a plain read already sees the new row. What does a cached read return?
   */
  private String readBetweenCommitAndInvalidation(Reads reads, Runnable evictingWrite)
      throws Exception {
    assertThat(reads.title(1)).isEqualTo("old"); // cached
    CountDownLatch committed = new CountDownLatch(1);
    CountDownLatch read = new CountDownLatch(1);
    Future<?> commit =
        inTransaction(
            () -> {
              evictingWrite.run();
              TransactionSynchronizationManager.registerSynchronization(
                  new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                      committed.countDown();
                      await(read);
                    }
                  });
            });
    await(committed);
    assertThat(db.plainRead(1)).as("the commit is visible to a plain read").isEqualTo("new");
    String cached = reads.title(1);
    read.countDown();
    commit.get(30, TimeUnit.SECONDS);
    return cached;
  }

  /** How a test reads the cached article. */
  interface Reads {
    String title(long id);
  }

  private Reads assemblerReads() {
    Assembler a = context.getBean(Assembler.class);
    return id -> a.article(id).title();
  }

  private Reads serviceReads() {
    Service s = context.getBean(Service.class);
    return id -> s.find(id).title();
  }

  // ---------------------------------------------------------------- @Evict (LayerCacheAdvisor)

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evict_readerFillsBetweenReturnAndCommit_nextReadAfterCommitIsNew(Databases database)
      throws Exception {
    start(database, AdvisorConfig.class, Timing.FULL);
    Assembler a = context.getBean(Assembler.class);
    assertThat(readFilledBetweenReturnAndCommit(assemblerReads(), () -> a.retitle(1, "new")))
        .isEqualTo("new");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evict_withoutCommitTimeInvalidation_keepsTheOldValuePastTheCommit(Databases database)
      throws Exception {
    start(database, AdvisorConfig.class, Timing.IMMEDIATE);
    Assembler a = context.getBean(Assembler.class);
    assertThat(readFilledBetweenReturnAndCommit(assemblerReads(), () -> a.retitle(1, "new")))
        .isEqualTo("old");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evict_readBetweenCommitAndItsInvalidation_isNotOlderThanAPlainRead(Databases database)
      throws Exception {
    start(database, AdvisorConfig.class, Timing.FULL);
    Assembler a = context.getBean(Assembler.class);
    assertThat(readBetweenCommitAndInvalidation(assemblerReads(), () -> a.retitle(1, "new")))
        .isEqualTo("new");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evict_withoutLocks_readBetweenCommitAndItsInvalidation_isOlder(Databases database)
      throws Exception {
    start(database, AdvisorConfig.class, Timing.AFTER_COMMIT_WITHOUT_LOCKS);
    Assembler a = context.getBean(Assembler.class);
    assertThat(readBetweenCommitAndInvalidation(assemblerReads(), () -> a.retitle(1, "new")))
        .isEqualTo("old");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evict_rolledBack_onlyReleasesTheLocks(Databases database) throws Exception {
    start(database, AdvisorConfig.class, Timing.FULL);
    Assembler a = context.getBean(Assembler.class);
    assertThat(a.article(1).title()).isEqualTo("old");
    TransactionTemplate tx = context.getBean(TransactionTemplate.class);
    tx.executeWithoutResult(
        s -> {
          a.retitle(1, "new");
          s.setRollbackOnly();
        });
    int loads = db.loads.get();
    assertThat(a.article(1).title()).isEqualTo("old");
    assertThat(a.article(1).title()).isEqualTo("old");
    assertThat(db.loads.get() - loads).as("cached again once the locks are released").isOne();
  }

  /** The issue as reported: @Evict on a @Transactional method, the cache inside the transaction. */
  private String transactionalMethod(Databases database, Timing timing) throws Exception {
    start(database, TransactionalAdvisorConfig.class, timing);
    Assembler a = context.getBean(Assembler.class);
    assertThat(a.article(1).title()).isEqualTo("old");
    BetweenReturnAndCommit.arm();
    Future<?> write = writer.submit(() -> a.retitle(1, "new"));
    await(BetweenReturnAndCommit.returned);
    assertThat(a.article(1).title()).isEqualTo("old");
    BetweenReturnAndCommit.proceed.countDown();
    write.get(30, TimeUnit.SECONDS);
    return a.article(1).title();
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evictOnTransactionalMethod_readBetweenReturnAndCommit_nextReadIsNew(Databases database)
      throws Exception {
    assertThat(transactionalMethod(database, Timing.FULL)).isEqualTo("new");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void evictOnTransactionalMethod_evictedAtReturn_keepsTheOldValue(Databases database)
      throws Exception {
    assertThat(transactionalMethod(database, Timing.IMMEDIATE)).isEqualTo("old");
  }

  // ---------------------------------------------------------------- @CacheEvict (manager)

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheEvict_readerFillsBetweenReturnAndCommit_nextReadAfterCommitIsNew(Databases database)
      throws Exception {
    start(database, ManagerConfig.class, Timing.FULL);
    Service s = context.getBean(Service.class);
    assertThat(readFilledBetweenReturnAndCommit(serviceReads(), () -> s.retitle(1, "new")))
        .isEqualTo("new");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheEvict_notTransactionAware_keepsTheOldValuePastTheCommit(Databases database)
      throws Exception {
    start(database, ManagerConfig.class, Timing.IMMEDIATE);
    Service s = context.getBean(Service.class);
    assertThat(readFilledBetweenReturnAndCommit(serviceReads(), () -> s.retitle(1, "new")))
        .isEqualTo("old");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheEvict_readBetweenCommitAndItsInvalidation_isNotOlderThanAPlainRead(Databases database)
      throws Exception {
    start(database, ManagerConfig.class, Timing.FULL);
    Service s = context.getBean(Service.class);
    assertThat(readBetweenCommitAndInvalidation(serviceReads(), () -> s.retitle(1, "new")))
        .isEqualTo("new");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheEvict_asTransactionAwareCacheDecorator_readBetweenCommitAndEviction_isOlder(
      Databases database) throws Exception {
    start(database, ManagerConfig.class, Timing.AFTER_COMMIT_WITHOUT_LOCKS);
    Service s = context.getBean(Service.class);
    assertThat(readBetweenCommitAndInvalidation(serviceReads(), () -> s.retitle(1, "new")))
        .isEqualTo("old");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheEvict_rolledBack_onlyReleasesTheLocks(Databases database) {
    start(database, ManagerConfig.class, Timing.FULL);
    Service s = context.getBean(Service.class);
    assertThat(s.find(1).title()).isEqualTo("old");
    context
        .getBean(TransactionTemplate.class)
        .executeWithoutResult(
            t -> {
              s.retitle(1, "new");
              t.setRollbackOnly();
            });
    int loads = db.loads.get();
    assertThat(s.find(1).title()).isEqualTo("old");
    assertThat(s.find(1).title()).isEqualTo("old");
    assertThat(db.loads.get() - loads).isOne();
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheable_filledInsideATransaction_isStoredOnlyIfItCommits(Databases database) {
    start(database, ManagerConfig.class, Timing.FULL);
    Service s = context.getBean(Service.class);
    TransactionTemplate tx = context.getBean(TransactionTemplate.class);
    tx.executeWithoutResult(
        t -> {
          s.find(2);
          t.setRollbackOnly();
        });
    int loads = db.loads.get();
    s.find(2);
    assertThat(db.loads.get() - loads).as("not stored by the rolled-back transaction").isOne();
    tx.executeWithoutResult(t -> s.find(1));
    loads = db.loads.get();
    s.find(1);
    assertThat(db.loads.get() - loads).as("stored after the commit").isZero();
  }
}
