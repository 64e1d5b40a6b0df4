package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheKey;
import dev.layercache.CachingPlan;
import dev.layercache.LayerCache;
import dev.layercache.ObjectCaching;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.ChangedTags;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import dev.layercache.annotation.Key;
import dev.layercache.local.LocalBackend;
import dev.layercache.spring.internal.TransactionalInvalidation.Timing;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.test.util.AopTestUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * LayerCache's annotations on Spring beans, with {@link EnableLayerCache} and no manual proxy; the
 * local backend. The transactional races against real databases are in {@code
 * TransactionalInvalidationIT}.
 */
@SpringJUnitConfig(LayerCacheAdvisorTest.Config.class)
class LayerCacheAdvisorTest {
  public record Article(long id, String title) {}

  public record Receipt(Set<String> changed) implements ChangedTags {
    @Override
    public Collection<String> changedTags() {
      return changed;
    }
  }

  /** The rows an assembler reads, and how often it read them. */
  public static final class Rows {
    final Map<Long, String> titles = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
  }

  public interface Articles {
    @Cached(name = "article", ttl = "10m", tags = "author:{1}")
    Article article(long id, long author);

    @Evict(name = "article")
    void retitle(@Key long id, @Key long author, String title);

    @Evict(name = "article")
    void failingRetitle(@Key long id, @Key long author, String title);

    @InvalidateTags("author:{0}")
    void renameAuthor(long author);

    @InvalidateTags(fromResult = true)
    Receipt comment(long id);
  }

  /** Writes its rows itself, so a write is visible when the write method's body has run. */
  public static class RowArticles implements Articles {
    final Rows rows;
    final List<String> readsDuringWrites = new ArrayList<>();
    @Autowired Articles self;

    RowArticles(Rows rows) {
      this.rows = rows;
    }

    @Override
    public Article article(long id, long author) {
      rows.loads.incrementAndGet();
      return new Article(id, rows.titles.get(id));
    }

    @Override
    public void retitle(long id, long author, String title) {
      rows.titles.put(id, title); // committed here (an auto-commit write)
      readsDuringWrites.add(self.article(id, author).title());
    }

    @Override
    public void failingRetitle(long id, long author, String title) {
      throw new IllegalStateException("constraint violated");
    }

    @Override
    public void renameAuthor(long author) {}

    @Override
    public Receipt comment(long id) {
      return new Receipt(Set.of("author:" + id));
    }
  }

  /** A class without interface: proxied by subclassing. */
  public static class Titles {
    final Rows rows;

    Titles(Rows rows) {
      this.rows = rows;
    }

    @Cached(name = "title")
    @Transactional(readOnly = true)
    public String title(long id) {
      rows.loads.incrementAndGet();
      return rows.titles.get(id);
    }
  }

  /** Counts the transactions it begins. */
  public static final class CountingTransactionManager extends DataSourceTransactionManager {
    private static final long serialVersionUID = 1L;
    final AtomicInteger begun = new AtomicInteger();

    CountingTransactionManager(DataSource ds) {
      super(ds);
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
      begun.incrementAndGet();
      super.doBegin(transaction, definition);
    }
  }

  /** Records the order the aspects ran in. */
  public static final class CallLog {
    final List<String> calls = new ArrayList<>();
  }

  @Configuration
  @EnableLayerCache
  @EnableTransactionManagement
  static class Config {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("adv").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    Rows rows() {
      return new Rows();
    }

    @Bean
    RowArticles articles(Rows rows) {
      return new RowArticles(rows);
    }

    @Bean
    Titles titles(Rows rows) {
      return new Titles(rows);
    }

    @Bean
    DataSource dataSource() {
      return new DriverManagerDataSource("jdbc:h2:mem:advisor;DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Bean
    CountingTransactionManager transactionManager(DataSource ds) {
      return new CountingTransactionManager(ds);
    }

    @Bean
    CallLog callLog() {
      return new CallLog();
    }

    /** An aspect outside the cache: it sees every call, hit or not. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static DefaultPointcutAdvisor outerAspect(CallLog log) {
      return aspect(log, "outer", Ordered.HIGHEST_PRECEDENCE);
    }

    /** An aspect inside the cache: it runs only when the cached method runs. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static DefaultPointcutAdvisor innerAspect(CallLog log) {
      return aspect(log, "inner", Ordered.LOWEST_PRECEDENCE);
    }

    private static DefaultPointcutAdvisor aspect(CallLog log, String name, int order) {
      MethodInterceptor record =
          inv -> {
            if (inv.getMethod().getName().equals("title")) {
              synchronized (log) {
                log.calls.add(name);
              }
            }
            return inv.proceed();
          };
      DefaultPointcutAdvisor advisor =
          new DefaultPointcutAdvisor(
              AnnotationMatchingPointcut.forMethodAnnotation(Cached.class), record);
      advisor.setOrder(order);
      return advisor;
    }
  }

  @Autowired LayerCache cache;
  @Autowired Articles articles;
  @Autowired Titles titles;
  @Autowired Rows rows;
  @Autowired CountingTransactionManager transactions;
  @Autowired CallLog log;

  @BeforeEach
  void rows() {
    rows.titles.put(1L, "old");
    rows.titles.put(2L, "two");
    rows.loads.set(0);
  }

  @Test
  void cached_onABeanWithNoManualProxy_isServedFromTheCache() {
    assertThat(AopUtils.isAopProxy(articles)).isTrue();
    assertThat(articles.article(11, 7).title()).isNull();
    rows.titles.put(11L, "eleven");
    assertThat(articles.article(11, 7).title()).isNull(); // cached, the row change unseen
    assertThat(rows.loads).hasValue(1);
  }

  @Test
  void evict_removesTheEntryItNames() {
    articles.article(1, 7);
    articles.retitle(1, 7, "new");
    assertThat(articles.article(1, 7).title()).isEqualTo("new");
  }

  @Test
  void invalidateTags_fromTemplatesAndFromTheResult() {
    articles.article(21, 8);
    articles.renameAuthor(8);
    articles.article(21, 8);
    assertThat(rows.loads).hasValue(2);
    articles.comment(8); // the result names author:8
    articles.article(21, 8);
    assertThat(rows.loads).hasValue(3);
  }

  @Test
  void keys_areThoseOfObjectCaching() throws Exception {
    Article a = articles.article(22, 9);
    CachingPlan.Read plan =
        (CachingPlan.Read)
            ObjectCaching.plan(Articles.class.getMethod("article", long.class, long.class), cache);
    assertThat(cache.get(plan.key(new Object[] {22L, 9L}), Article.class)).isEqualTo(a);
    assertThat(plan.key(new Object[] {22L, 9L})).isEqualTo(CacheKey.of("article", 22L, 9L));
  }

  @Test
  void write_outsideATransaction_isLockedDuringTheCall() {
    articles.article(1, 7); // "old" cached
    RowArticles target = AopTestUtils.getTargetObject(articles);
    target.readsDuringWrites.clear();
    articles.retitle(1, 7, "new");
    // The body's write was visible before the method returned; the read after it is not served
    // the entry it replaced.
    assertThat(target.readsDuringWrites).containsExactly("new");
  }

  @Test
  void write_outsideATransaction_withoutLocks_servesTheOldValueDuringTheCall() {
    try (AnnotationConfigApplicationContext ctx = unsafe(Timing.IMMEDIATE)) {
      Articles unsafe = ctx.getBean(Articles.class);
      RowArticles unsafeTarget = AopTestUtils.getTargetObject(unsafe);
      unsafe.article(1, 7);
      unsafe.retitle(1, 7, "new");
      assertThat(unsafeTarget.readsDuringWrites).containsExactly("old");
    }
  }

  @Configuration
  static class UnsafeConfig {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("uns").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    static org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator proxies() {
      return new org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator();
    }

    @Bean
    RowArticles articles() {
      Rows rows = new Rows();
      rows.titles.put(1L, "old");
      return new RowArticles(rows);
    }
  }

  private static AnnotationConfigApplicationContext unsafe(Timing timing) {
    AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
    ctx.register(UnsafeConfig.class);
    ctx.registerBean(
        LayerCacheAdvisor.class,
        () ->
            LayerCacheAdvisor.builder(() -> ctx.getBean(LayerCache.class)).timing(timing).build());
    ctx.refresh();
    return ctx;
  }

  @Test
  void failedWrite_releasesItsLocks() {
    assertThatThrownBy(() -> articles.failingRetitle(23, 7, "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("constraint violated");
    articles.article(23, 7);
    articles.article(23, 7);
    assertThat(rows.loads).hasValue(1);
  }

  @Test
  void classProxy_cachesAndAHitOpensNoTransaction() {
    int begun = transactions.begun.get();
    assertThat(AopUtils.isCglibProxy(titles)).isTrue();
    rows.titles.put(32L, "two");
    assertThat(titles.title(32)).isEqualTo("two");
    assertThat(titles.title(32)).isEqualTo("two");
    assertThat(rows.loads).hasValue(1);
    // The advisor runs outside @Transactional at the default order: only the miss opened one.
    assertThat(transactions.begun.get() - begun).isEqualTo(1);
  }

  @Test
  void order_placesTheCacheBetweenOuterAndInnerAspects() {
    synchronized (log) {
      log.calls.clear();
    }
    rows.titles.put(31L, "thirty-one");
    titles.title(31);
    titles.title(31);
    synchronized (log) {
      assertThat(log.calls).containsExactly("outer", "inner", "outer");
    }
  }

  public interface Misused {
    @Cached(name = "nothing")
    void nothing(long id);
  }

  @Configuration
  @EnableLayerCache
  static class MisusedConfig {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("mis").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    Misused misused() {
      return id -> {};
    }
  }

  @Test
  void misuse_failsTheStart_namingTheMethod() {
    assertThatThrownBy(() -> new AnnotationConfigApplicationContext(MisusedConfig.class).close())
        .hasStackTraceContaining("Misused.nothing is @Cached but returns void");
  }

  @Configuration
  @EnableLayerCache(maxLockTime = "ten seconds")
  static class BadLockTimeConfig {}

  @Test
  void maxLockTime_inAnotherSyntax_failsTheStart() {
    assertThatThrownBy(
            () -> new AnnotationConfigApplicationContext(BadLockTimeConfig.class).close())
        .hasStackTraceContaining("'ten seconds' is not a duration");
  }
}
