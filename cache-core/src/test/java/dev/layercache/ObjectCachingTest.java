package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.annotation.Cached;
import dev.layercache.annotation.ChangedTags;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import dev.layercache.annotation.Key;
import dev.layercache.local.LocalBackend;
import dev.layercache.testsupport.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObjectCachingTest {
  public record Friend(long id, String name) {}

  public record Profile(long id, String name, List<Friend> friends) {}

  /** A tiny in-memory "database" that counts reads. */
  static final class Db {
    final Map<Long, String> names = new ConcurrentHashMap<>();
    final Map<Long, List<Friend>> friends = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
  }

  public interface ProfileAssembler {
    @Cached(
        name = "profile",
        ttl = "PT10M",
        tags = {"user:{0}"})
    Profile profile(long id);

    @Cached(name = "friends", tags = "friends:{0}")
    List<Friend> friends(long id);

    @Cached(name = "nick", cacheNulls = true)
    Optional<String> nickname(long id);

    @Evict(name = "profile")
    void rename(@Key long id, String name);

    @InvalidateTags("friends:{0}")
    void befriend(long id, long friendId);

    String describe(long id);
  }

  static class JdbcLikeAssembler implements ProfileAssembler {
    final Db db;
    ProfileAssembler self = this; // the proxy, for nested cached calls

    JdbcLikeAssembler(Db db) {
      this.db = db;
    }

    @Override
    public Profile profile(long id) {
      db.reads.incrementAndGet();
      return new Profile(id, db.names.get(id), self.friends(id));
    }

    @Override
    public List<Friend> friends(long id) {
      db.reads.incrementAndGet();
      return new ArrayList<>(db.friends.getOrDefault(id, List.of()));
    }

    @Override
    public Optional<String> nickname(long id) {
      db.reads.incrementAndGet();
      return Optional.ofNullable(db.names.get(id)).map(n -> n.substring(0, 1));
    }

    @Override
    public void rename(long id, String name) {
      db.names.put(id, name);
    }

    @Override
    public void befriend(long id, long friendId) {
      List<Friend> l = new ArrayList<>(db.friends.getOrDefault(id, List.of()));
      l.add(new Friend(friendId, db.names.get(friendId)));
      db.friends.put(id, l);
    }

    @Override
    public String describe(long id) {
      return "user " + id;
    }
  }

  /** A concrete class with no interface and no no-argument constructor. */
  public static class ArticleService {
    final Db db;

    public ArticleService(Db db) {
      this.db = db;
    }

    @Cached(name = "title", tags = "article:{id}")
    public String title(long id) {
      db.reads.incrementAndGet();
      return db.names.get(id);
    }

    @InvalidateTags("article:{0}")
    public void retitle(long id, String title) {
      db.names.put(id, title);
    }

    public int plain() {
      return db.names.size();
    }
  }

  private final LayerCache cache =
      LayerCache.builder().namespace("oc").backend(LocalBackend.builder().build()).build();
  private final Db db = new Db();

  {
    db.names.put(1L, "ann");
    db.names.put(2L, "bob");
    db.names.put(3L, "cy");
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private ProfileAssembler proxy() {
    JdbcLikeAssembler target = new JdbcLikeAssembler(db);
    ProfileAssembler p = ObjectCaching.proxy(ProfileAssembler.class, target, cache);
    target.self = p;
    return p;
  }

  @Test
  void interfaceProxy_cachesAndEvicts() {
    ProfileAssembler a = proxy();
    assertThat(a.profile(1).name()).isEqualTo("ann");
    int reads = db.reads.get();
    assertThat(a.profile(1).name()).isEqualTo("ann");
    assertThat(db.reads.get()).isEqualTo(reads);
    a.rename(1, "anne");
    assertThat(a.profile(1).name()).isEqualTo("anne");
  }

  @Test
  void tagTemplate_invalidatesOnlyThatUser() {
    ProfileAssembler a = proxy();
    a.friends(1);
    a.friends(2);
    a.befriend(1, 3);
    int reads = db.reads.get();
    assertThat(a.friends(1)).extracting(Friend::name).containsExactly("cy");
    assertThat(db.reads.get()).isEqualTo(reads + 1);
    a.friends(2);
    assertThat(db.reads.get()).as("user 2's friends stayed cached").isEqualTo(reads + 1);
  }

  @Test
  void nestedAssemblers_propagateDependencies() {
    ProfileAssembler a = proxy();
    assertThat(a.profile(1).friends()).isEmpty();
    // befriend only invalidates friends:1, but the profile embeds the friend list: it must go too.
    a.befriend(1, 2);
    assertThat(a.profile(1).friends()).extracting(Friend::name).containsExactly("bob");
  }

  @Test
  void genericAndOptionalReturns_roundTrip() {
    ProfileAssembler a = proxy();
    assertThat(a.nickname(2)).contains("b");
    assertThat(a.nickname(2)).contains("b");
    assertThat(a.nickname(99)).isEmpty();
  }

  @Test
  void nonAnnotatedAndObjectMethods_passThrough() {
    JdbcLikeAssembler target = new JdbcLikeAssembler(db);
    ProfileAssembler a = ObjectCaching.proxy(ProfileAssembler.class, target, cache);
    assertThat(a.describe(5)).isEqualTo("user 5");
    assertThat(a.toString()).isEqualTo(target.toString());
    assertThat(a.hashCode()).isEqualTo(target.hashCode());
    assertThat(a).isEqualTo(a);
  }

  @Test
  void classProxy_worksWithoutInterfaceOrDefaultConstructor() {
    ArticleService s = ObjectCaching.proxy(ArticleService.class, new ArticleService(db), cache);
    assertThat(s.title(1)).isEqualTo("ann");
    assertThat(s.title(1)).isEqualTo("ann");
    assertThat(db.reads.get()).isEqualTo(1);
    s.retitle(1, "new");
    assertThat(s.title(1)).isEqualTo("new");
    assertThat(s.plain()).isEqualTo(3);
  }

  /** What a write returns when its tags depend on the data: the author of a commented article. */
  public record Receipt(List<String> changed) implements ChangedTags {
    @Override
    public Collection<String> changedTags() {
      return changed;
    }
  }

  /** Titles cached per article and counted per author; a comment changes both. */
  public static class CommentService {
    final Db db;
    final Map<Long, Long> authorOf = new ConcurrentHashMap<>();
    final Map<Long, Integer> comments = new ConcurrentHashMap<>();

    public CommentService(Db db) {
      this.db = db;
    }

    @Cached(name = "comments-by", tags = "author:{0}")
    public Integer commentsOnArticlesBy(long authorId) {
      db.reads.incrementAndGet();
      int n = 0;
      for (Map.Entry<Long, Long> e : authorOf.entrySet()) {
        if (e.getValue() == authorId) {
          n += comments.getOrDefault(e.getKey(), 0);
        }
      }
      return n;
    }

    @InvalidateTags(fromResult = true)
    public Receipt comment(long articleId) {
      comments.merge(articleId, 1, Integer::sum);
      return new Receipt(List.of("author:" + authorOf.get(articleId)));
    }

    @InvalidateTags(fromResult = true)
    public @org.jspecify.annotations.Nullable Receipt nothing(long articleId) {
      return null;
    }
  }

  @Test
  void invalidateFromResult_dropsWhatTheWriteNamed() {
    CommentService target = new CommentService(db);
    target.authorOf.put(10L, 1L);
    target.authorOf.put(20L, 2L);
    CommentService s = ObjectCaching.proxy(CommentService.class, target, cache);
    assertThat(s.commentsOnArticlesBy(1)).isZero();
    assertThat(s.commentsOnArticlesBy(2)).isZero();

    // The tag comes from the data (article 10 belongs to author 1), not from a parameter.
    s.comment(10);
    assertThat(s.commentsOnArticlesBy(1)).isEqualTo(1);
    assertThat(s.commentsOnArticlesBy(2)).isZero();
    assertThat(db.reads.get()).isEqualTo(3);

    // A null result invalidates nothing and is returned as is.
    assertThat(s.nothing(10)).isNull();
    assertThat(s.commentsOnArticlesBy(1)).isEqualTo(1);
    assertThat(db.reads.get()).isEqualTo(3);
  }

  @Test
  void classProxies_ofOneClass_keepTheirOwnTargets() {
    Db other = new Db();
    other.names.put(1L, "zed");
    ArticleService a = ObjectCaching.proxy(ArticleService.class, new ArticleService(db), cache);
    LayerCache second =
        LayerCache.builder().namespace("oc2").backend(LocalBackend.builder().build()).build();
    try {
      ArticleService b =
          ObjectCaching.proxy(ArticleService.class, new ArticleService(other), second);
      assertThat(a.title(1)).isEqualTo("ann");
      assertThat(b.title(1)).isEqualTo("zed");
      assertThat(b.plain()).isEqualTo(1);
      assertThat(a.getClass()).isSameAs(b.getClass());
    } finally {
      second.close();
    }
  }

  @Test
  void keys_distinguishPartBoundaries() {
    assertThat(CacheKey.of("k", 1, "a")).isNotEqualTo(CacheKey.of("k", "1a"));
  }

  @Test
  void loaderException_passesThroughProxyUnchanged() {
    interface Failing {
      @Cached(name = "f")
      String load(long id) throws java.io.IOException;
    }
    java.io.IOException boom = new java.io.IOException("db");
    Failing f =
        ObjectCaching.proxy(
            Failing.class,
            id -> {
              throw boom;
            },
            cache);
    assertThatThrownBy(() -> f.load(1)).isSameAs(boom);
  }

  // ------------------------------------------------------------------ misuse at creation

  interface VoidCached {
    @Cached(name = "v")
    void nothing(long id);
  }

  interface MissingParam {
    @Cached(name = "m", tags = "user:{2}")
    String get(long id);
  }

  interface UnknownName {
    @Cached(name = "m", tags = "user:{userId}")
    String get(long id);
  }

  interface BadKeyType {
    @Cached(name = "m")
    String get(Object filter);
  }

  /** Has no properties: cannot be encoded. */
  public static final class Opaque {}

  interface Unserializable {
    @Cached(name = "m")
    Opaque get(long id);
  }

  interface BadTtl {
    @Cached(name = "m", ttl = "10 minutes")
    String get(long id);
  }

  interface ResultWithoutTags {
    @InvalidateTags(fromResult = true)
    String write(long id);
  }

  interface NoTagsAtAll {
    @InvalidateTags
    void write(long id);
  }

  @Test
  void misuse_isReportedAtProxyCreation() {
    assertThatThrownBy(() -> ObjectCaching.proxy(ResultWithoutTags.class, id -> "", cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("ResultWithoutTags.write")
        .hasMessageContaining("returns String, not a dev.layercache.annotation.ChangedTags");
    assertThatThrownBy(() -> ObjectCaching.proxy(NoTagsAtAll.class, id -> {}, cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("no tag templates");
    assertThatThrownBy(() -> ObjectCaching.proxy(VoidCached.class, id -> {}, cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("VoidCached.nothing")
        .hasMessageContaining("returns void");
    assertThatThrownBy(() -> ObjectCaching.proxy(MissingParam.class, id -> "", cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("refers to parameter 2 of 1");
    assertThatThrownBy(() -> ObjectCaching.proxy(UnknownName.class, id -> "", cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'userId'");
    assertThatThrownBy(() -> ObjectCaching.proxy(BadKeyType.class, f -> "", cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("parameter 0 (Object)");
    assertThatThrownBy(() -> ObjectCaching.proxy(Unserializable.class, id -> new Opaque(), cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("cannot be cached");
    assertThatThrownBy(() -> ObjectCaching.proxy(BadTtl.class, id -> "", cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("'10 minutes'");
  }

  // ------------------------------------------------------------------ warmers and sessions

  @Test
  void warmer_precomputesWithBoundedConcurrencyAndReportsProgress() throws Exception {
    ProfileAssembler a = proxy();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<Warmer.Progress> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    // One new thread per task, so the test sees what the warmer started and where it waits.
    List<Thread> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    Executor threads =
        task -> {
          Thread t = new Thread(task, "warmer-test");
          t.setDaemon(true);
          started.add(t);
          t.start();
        };
    Warmer warmer =
        Warmer.builder()
            .concurrency(2)
            .executor(threads)
            .progressInterval(Duration.ofMillis(1))
            .onProgress(reports::add)
            .build();
    List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L, 6L);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Warmer.Progress> warming =
        warmer.warm(
            ids,
            id -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                if (id <= 2L) {
                  release.await(); // the first two hold their permits until the test saw them
                }
                a.friends(id);
              } finally {
                running.decrementAndGet();
              }
              if (id == 6L) {
                throw new IllegalStateException("one bad item");
              }
            });
    // Two tasks run, and the feeding thread (the first one started) waits for a permit.
    Waiting.until(
        "two tasks run and the feeder waits for a permit",
        () ->
            running.get() == 2
                && Waiting.isIn(
                    started.get(0), "java.util.concurrent.Semaphore", "acquireUninterruptibly"));
    assertThat(started).as("the feeder and two tasks, no third").hasSize(3);
    release.countDown();
    Warmer.Progress done = warming.get(30, TimeUnit.SECONDS);
    assertThat(done.done()).isEqualTo(6);
    assertThat(done.failed()).isEqualTo(1);
    assertThat(maxRunning.get()).isEqualTo(2);
    assertThat(reports).isNotEmpty().contains(done);
    int reads = db.reads.get();
    a.friends(3);
    assertThat(db.reads.get()).as("warmed entries are hits").isEqualTo(reads);
  }

  public record Login(long userId, List<String> roles) {}

  @Test
  void sessions_slideAndExpire_acrossTwoServers() {
    dev.layercache.testsupport.TestClock clock = new dev.layercache.testsupport.TestClock();
    LocalBackend shared = LocalBackend.builder().build();
    LayerCache serverA = LayerCache.builder().namespace("s").backend(shared).clock(clock).build();
    LayerCache serverB = LayerCache.builder().namespace("s").backend(shared).clock(clock).build();
    SessionStore<Login> a =
        SessionStore.builder(serverA, Login.class)
            .idleTimeout(Duration.ofMinutes(30))
            .clock(clock)
            .build();
    SessionStore<Login> b =
        SessionStore.builder(serverB, Login.class)
            .idleTimeout(Duration.ofMinutes(30))
            .clock(clock)
            .build();
    String id = a.create(new Login(7, List.of("reader")));
    assertThat(id).hasSize(43);
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(20)); // each read within the idle timeout extends it
      assertThat((i % 2 == 0 ? b : a).find(id)).contains(new Login(7, List.of("reader")));
    }
    assertThat(b.update(id, new Login(7, List.of("editor")))).isTrue();
    assertThat(a.find(id).map(Login::roles)).contains(List.of("editor"));
    clock.advance(Duration.ofMinutes(31));
    assertThat(a.find(id)).as("idle too long").isEmpty();
    String other = b.create(new Login(8, List.of()));
    b.invalidate(other);
    assertThat(a.find(other)).isEmpty();
    serverA.close();
  }
}
