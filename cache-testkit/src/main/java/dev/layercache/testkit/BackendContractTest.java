package dev.layercache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spi.CacheBackend;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every backend must show, run through a {@link LayerCache} as applications use it.
 * Subclass it once per backend (and per topology: one node, a pool, a cluster) and implement the
 * three hooks. Each test uses its own namespace, so subclasses may share one server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BackendContractTest {

  /** A value with the types a codec must carry faithfully. */
  public record Article(
      long id,
      String title,
      Instant published,
      LocalDate day,
      BigDecimal price,
      List<String> labels,
      byte[] image,
      Optional<String> subtitle,
      UUID author) {}

  /** A small value for lists. */
  public record Friend(long id, String name) {}

  /** The clock the cache under test reads; tests move it to expire entries. */
  protected final MutableClock clock = MutableClock.now();

  /** The cache under test, over a fresh backend from {@link #createBackend()}. */
  protected LayerCache cache;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  /** For subclasses, one per backend and topology. */
  protected BackendContractTest() {}

  /**
   * Creates the backend under test. Called before each test.
   *
   * @return a new backend
   */
  protected abstract CacheBackend createBackend();

  /**
   * Makes the backend lose a tag version, as an eviction, a {@code DEL} or a restart would.
   *
   * @param backend the backend returned by {@link #createBackend()}
   * @param tagKey the version key to lose
   */
  protected abstract void loseTagVersion(CacheBackend backend, String tagKey);

  /**
   * Stores something under an entry key that is not an entry this cache wrote for that key: random
   * bytes for a byte store, an entry with another key's fingerprint for an object store.
   *
   * @param backend the backend returned by {@link #createBackend()}
   * @param entryKey the key to plant it under
   */
  protected abstract void plantForeignEntry(CacheBackend backend, String entryKey);

  /**
   * Builds the cache under test; subclasses may override to add settings.
   *
   * @param builder a builder with namespace, backend and clock set
   * @return the cache
   */
  protected LayerCache build(LayerCache.Builder builder) {
    return builder.build();
  }

  /**
   * A fresh namespace, unique per test.
   *
   * @return the namespace
   */
  protected static String uniqueNamespace() {
    return "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /** Long enough that no call of a loaded machine is slow: the contract is not about timing. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The longest any test waits for an event expected within milliseconds. */
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  @BeforeEach
  void createCache() {
    cache = build(builder());
  }

  /** A builder for the cache under test, with its namespace, a fresh backend and the clock. */
  private LayerCache.Builder builder() {
    // A call that a busy machine makes slow must not open the circuit breaker: reads would then
    // be skipped, and tests of the contract would fail for reasons that are not the backend's.
    return LayerCache.builder()
        .namespace(uniqueNamespace())
        .backend(createBackend())
        .clock(clock)
        .slowCallThreshold(PATIENCE);
  }

  @AfterEach
  void closeCache() {
    pool.shutdownNow();
    cache.close();
  }

  private static CachePolicy tagged(String... tags) {
    return CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags(tags).build();
  }

  private static Article article(long id) {
    return new Article(
        id,
        "Title " + id + " é ✓",
        Instant.parse("2026-01-02T03:04:05.123456Z"),
        LocalDate.of(2026, 2, 28),
        new BigDecimal("12345.6789"),
        List.of("a", "b"),
        new byte[] {0, 1, 2, (byte) 255},
        Optional.of("sub"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
  }

  // ------------------------------------------------------------------ basics

  @Test
  public void get_unknownKey_isNull() {
    assertThat(cache.get(CacheKey.of("article", 1L), Article.class)).isNull();
  }

  @Test
  public void get_afterPut_returnsEqualValue() {
    Article a = article(7);
    cache.put(CacheKey.of("article", 7L), a, tagged("articles"));
    Article back = cache.get(CacheKey.of("article", 7L), Article.class);
    assertThat(back).isNotNull();
    assertThat(back).usingRecursiveComparison().isEqualTo(a);
  }

  @Test
  public void readThrough_loadsOnceThenHits() {
    AtomicInteger loads = new AtomicInteger();
    CacheKey key = CacheKey.of("article", 1L);
    for (int i = 0; i < 5; i++) {
      Article a =
          cache.get(
              key,
              Article.class,
              tagged("articles"),
              () -> {
                loads.incrementAndGet();
                return article(1);
              });
      assertThat(a.id()).isEqualTo(1);
    }
    assertThat(loads).hasValue(1);
  }

  @Test
  public void genericCollection_roundTrips() {
    CacheKey key = CacheKey.of("friends", 3L);
    List<Friend> friends = List.of(new Friend(1, "ann"), new Friend(2, "bob"));
    TypeReference<List<Friend>> type = new TypeReference<>() {};
    cache.get(key, type, tagged("friends"), () -> friends);
    List<Friend> back = cache.get(key, type, tagged("friends"), () -> List.of());
    assertThat(back).containsExactlyElementsOf(friends);
    assertThat(back.get(0)).isInstanceOf(Friend.class);
  }

  @Test
  public void optionalAndScalars_roundTrip() {
    CachePolicy p = tagged("x");
    TypeReference<Optional<BigDecimal>> optType = new TypeReference<>() {};
    cache.get(CacheKey.of("opt", 1), optType, p, () -> Optional.of(new BigDecimal("1.50")));
    assertThat(cache.get(CacheKey.of("opt", 1), optType, p, () -> Optional.empty()))
        .contains(new BigDecimal("1.50"));
    cache.get(CacheKey.of("bytes", 1), byte[].class, p, () -> new byte[] {9, 8});
    assertThat(cache.get(CacheKey.of("bytes", 1), byte[].class, p, () -> new byte[0]))
        .containsExactly(9, 8);
    cache.get(CacheKey.of("str", 1), String.class, p, () -> "hello");
    assertThat(cache.get(CacheKey.of("str", 1), String.class)).isEqualTo("hello");
  }

  @Test
  public void namespaces_areIsolated() {
    CacheKey key = CacheKey.of("article", 1L);
    cache.put(key, "from-a", tagged("t"));
    try (LayerCache other =
        LayerCache.builder().namespace(uniqueNamespace()).backend(createBackend()).build()) {
      assertThat(other.get(key, String.class)).isNull();
    }
    assertThat(cache.get(key, String.class)).isEqualTo("from-a");
  }

  // ------------------------------------------------------------------ invalidation protocol

  @Test
  public void get_afterTagBump_isMiss() {
    CacheKey key = CacheKey.of("article", 1L);
    cache.put(key, "v1", tagged("articles", "user:9"));
    cache.invalidateTags("user:9");
    assertThat(cache.get(key, String.class)).isNull();
    assertThat(cache.get(key, String.class, tagged("articles", "user:9"), () -> "v2"))
        .isEqualTo("v2");
  }

  @Test
  public void tagBump_leavesEntriesWithOtherTags() {
    cache.put(CacheKey.of("a", 1), "one", tagged("red"));
    cache.put(CacheKey.of("a", 2), "two", tagged("blue"));
    cache.invalidateTags("red");
    assertThat(cache.get(CacheKey.of("a", 1), String.class)).isNull();
    assertThat(cache.get(CacheKey.of("a", 2), String.class)).isEqualTo("two");
  }

  @Test
  public void get_afterEvict_isMiss() {
    CacheKey key = CacheKey.of("article", 1L);
    cache.put(key, "v1", tagged("articles"));
    cache.evict(key);
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  public void readThrough_afterEvict_reloads() {
    CacheKey key = CacheKey.of("article", 1L);
    AtomicInteger loads = new AtomicInteger();
    cache.get(key, Integer.class, tagged("a"), loads::incrementAndGet);
    cache.evict(key);
    assertThat(cache.get(key, Integer.class, tagged("a"), loads::incrementAndGet)).isEqualTo(2);
  }

  @Test
  public void bornStale_bumpDuringLoad_isNeverServed() throws Exception {
    CacheKey key = CacheKey.of("article", 1L);
    CachePolicy policy = tagged("articles");
    AtomicInteger db = new AtomicInteger(1);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch written = new CountDownLatch(1);
    Future<Integer> racer =
        pool.submit(
            () ->
                cache.get(
                    key,
                    Integer.class,
                    policy,
                    () -> {
                      int v = db.get(); // reads the old row
                      loading.countDown();
                      written.await(); // the write commits and invalidates meanwhile
                      return v;
                    }));
    loading.await();
    db.set(2);
    cache.invalidateTags("articles");
    written.countDown();
    assertThat(racer.get()).isEqualTo(1); // overlapped the write: may see the old value
    assertThat(cache.get(key, Integer.class, policy, db::get))
        .as("the entry loaded before the bump must not be served")
        .isEqualTo(2);
  }

  // ------------------------------------------------------------------ write locks

  @Test
  public void writeLock_nothingIsServedOrStoredUntilUnlocked() {
    CacheKey key = CacheKey.of("article", 1L);
    CachePolicy policy = tagged("articles");
    cache.put(key, "v1", policy);
    cache.lockTags(List.of("articles"), Duration.ofMinutes(5));
    assertThat(cache.get(key, String.class)).as("locking invalidates").isNull();
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.get(key, String.class, policy, () -> "v" + loads.incrementAndGet()))
        .isEqualTo("v1");
    assertThat(cache.get(key, String.class, policy, () -> "v" + loads.incrementAndGet()))
        .as("a value loaded while the tag is being written is returned, not stored")
        .isEqualTo("v2");
    assertThat(cache.put(key, "put", policy)).as("nor is a put stored").isFalse();
    cache.unlockTags(List.of("articles"));
    assertThat(cache.get(key, String.class)).isNull();
    assertThat(cache.get(key, String.class, policy, () -> "v" + loads.incrementAndGet()))
        .isEqualTo("v3");
    assertThat(cache.get(key, String.class)).as("stored again once unlocked").isEqualTo("v3");
    assertThat(cache.get(CacheKey.of("other", 1), String.class, tagged("other"), () -> "o"))
        .isEqualTo("o");
    assertThat(cache.get(CacheKey.of("other", 1), String.class)).isEqualTo("o");
  }

  @Test
  public void writeLock_nests_untilEveryWriterUnlocks_andABumpKeepsIt() {
    CacheKey key = CacheKey.of("article", 2L);
    CachePolicy policy = tagged("articles");
    cache.lockTags(List.of("articles"), Duration.ofMinutes(5));
    cache.lockTags(List.of("articles", "other"), Duration.ofMinutes(5));
    cache.invalidateTags("articles");
    cache.unlockTags(List.of("articles", "other"));
    cache.get(key, String.class, policy, () -> "a");
    assertThat(cache.get(key, String.class))
        .as("one writer still holds the lock, a bump did not release it")
        .isNull();
    cache.unlockTags(List.of("articles"));
    cache.get(key, String.class, policy, () -> "b");
    assertThat(cache.get(key, String.class)).isEqualTo("b");
  }

  @Test
  public void writeLock_notReleasedInTime_countsForNothingAfterItsDeadline() {
    CacheKey key = CacheKey.of("article", 3L);
    CachePolicy policy = tagged("articles");
    cache.lockTags(List.of("articles"), Duration.ofMillis(1));
    // The deadline, at most 1 ms after the call returned, is on the wall clock, which only moves
    // forward past it: wait for that.
    long after = System.currentTimeMillis();
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (System.currentTimeMillis() <= after + 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    cache.get(key, String.class, policy, () -> "after");
    assertThat(cache.get(key, String.class))
        .as("a writer that never unlocks blocks the tag only until the deadline")
        .isEqualTo("after");
    cache.unlockTags(List.of("articles"));
    assertThat(cache.get(key, String.class)).as("a late unlock still invalidates").isNull();
  }

  @Test
  public void writeLock_closesTheCommitWindow() throws Exception {
    // A reader loads the old row while a transaction holds the lock; the transaction commits; until
    // its unlock lands, a reader that already sees the committed row must never get the old one.
    CacheKey key = CacheKey.of("article", 4L);
    CachePolicy policy = tagged("articles");
    AtomicInteger committed = new AtomicInteger(1);
    cache.lockTags(List.of("articles"), Duration.ofMinutes(5)); // the transaction's first write
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    Future<String> early =
        pool.submit(
            () ->
                cache.get(
                    key,
                    String.class,
                    policy,
                    () -> {
                      int v = committed.get(); // the row as it was before the transaction
                      loading.countDown();
                      commit.await();
                      return "row" + v;
                    }));
    loading.await();
    committed.set(2); // the commit is visible to every connection now
    commit.countDown();
    assertThat(early.get()).isEqualTo("row1");
    int seen = committed.get(); // what a plain read on another connection sees
    assertThat(cache.get(key, String.class, policy, () -> "row" + committed.get()))
        .as("between the commit and the unlock, the row loaded before the commit is not served")
        .isEqualTo("row" + seen);
    cache.unlockTags(List.of("articles"));
    assertThat(cache.get(key, String.class, policy, () -> "row" + committed.get()))
        .isEqualTo("row2");
  }

  @Test
  public void writeLock_writersCommittingInALoop_noReaderGetsOlderThanWhatItAlreadySaw()
      throws Exception {
    CacheKey key = CacheKey.of("counter", 1L);
    CachePolicy policy = tagged("counters");
    AtomicLong committed = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger stale = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      readers.add(
          pool.submit(
              () -> {
                while (!done.get()) {
                  long seen = committed.get();
                  Long got = cache.get(key, Long.class, policy, committed::get);
                  reads.incrementAndGet();
                  if (got == null || got < seen) {
                    stale.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (int i = 0; i < 300; i++) {
      cache.lockTags(List.of("counters"), Duration.ofMinutes(5));
      committed.incrementAndGet(); // the commit
      cache.unlockTags(List.of("counters"));
    }
    done.set(true);
    for (Future<?> f : readers) {
      f.get();
    }
    assertThat(stale.get())
        .as("reads older than a committed value already seen, of " + reads)
        .isZero();
  }

  @Test
  public void evictDuringLoad_oldValueIsNotPutBack() throws Exception {
    CacheKey key = CacheKey.of("profile", 5L);
    CachePolicy policy = tagged();
    AtomicInteger db = new AtomicInteger(1);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch evicted = new CountDownLatch(1);
    Future<Integer> racer =
        pool.submit(
            () ->
                cache.get(
                    key,
                    Integer.class,
                    policy,
                    () -> {
                      int v = db.get();
                      loading.countDown();
                      evicted.await();
                      return v;
                    }));
    loading.await();
    db.set(2);
    cache.evict(key);
    evicted.countDown();
    assertThat(racer.get()).isEqualTo(1);
    assertThat(cache.get(key, Integer.class, policy, db::get)).isEqualTo(2);
  }

  @Test
  public void put_winsOverOlderConcurrentLoad() throws Exception {
    CacheKey key = CacheKey.of("profile", 6L);
    CachePolicy policy = tagged();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch putDone = new CountDownLatch(1);
    Future<String> racer =
        pool.submit(
            () ->
                cache.get(
                    key,
                    String.class,
                    policy,
                    () -> {
                      loading.countDown();
                      putDone.await();
                      return "old";
                    }));
    loading.await();
    cache.put(key, "new", policy);
    putDone.countDown();
    assertThat(racer.get()).isEqualTo("old");
    // The older load may overwrite the stored entry, but only with one that is born stale.
    assertThat(cache.get(key, String.class)).isNotEqualTo("old");
    assertThat(cache.get(key, String.class, policy, () -> "reloaded")).isIn("new", "reloaded");
  }

  @Test
  public void lostTagVersion_neverRevivesOldEntries() {
    CacheKey key = CacheKey.of("article", 1L);
    CachePolicy policy = tagged("articles");
    cache.put(key, "v1", policy);
    String tagKey = policy.tagKeys(cache.namespace()).get(0);
    loseTagVersion(cache.backend(), tagKey);
    assertThat(cache.get(key, String.class)).as("entry whose tag version was lost").isNull();
    // A reader re-creates the version; the old entry must still not match it.
    assertThat(cache.get(key, String.class, policy, () -> "v2")).isEqualTo("v2");
    // Lose it again and bump while absent: the bump must not produce a reused value either.
    loseTagVersion(cache.backend(), tagKey);
    cache.invalidateTags("articles");
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  public void lostKeyTag_neverRevivesOldEntry() {
    CacheKey key = CacheKey.of("article", 2L);
    cache.put(key, "v1", tagged());
    loseTagVersion(cache.backend(), key.keyTagKey(cache.namespace()));
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  public void foreignEntry_isMissAndIsReplaced() {
    CacheKey key = CacheKey.of("article", 3L);
    plantForeignEntry(cache.backend(), key.entryKey(cache.namespace()));
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.get(key, String.class, tagged("a"), () -> "ok" + loads.incrementAndGet()))
        .isEqualTo("ok1");
    assertThat(cache.get(key, String.class, tagged("a"), () -> "ok" + loads.incrementAndGet()))
        .isEqualTo("ok1");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  public void randomizedReadersAndWriters_neverReadOlderThanCompletedWrite() throws Exception {
    int keys = 8;
    int readers = 4;
    int readsEach = 2_000;
    int minWrites = 1_000;
    AtomicLongArray db = new AtomicLongArray(keys);
    AtomicLongArray committed = new AtomicLongArray(keys); // highest write fully invalidated
    AtomicLong stale = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    CountDownLatch readersDone = new CountDownLatch(readers);
    // Counts, not a duration: a busy machine runs the same interleavings, only more slowly.
    CyclicBarrier start = new CyclicBarrier(2 + readers);
    CachePolicy[] policies = new CachePolicy[keys];
    for (int k = 0; k < keys; k++) {
      policies[k] = tagged("row:" + k);
    }
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      workers.add(
          pool.submit(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                start.await();
                // Writes go on while any reader reads, and at least minWrites of them.
                while (readersDone.getCount() > 0 || writes.get() < minWrites) {
                  int k = r.nextInt(keys);
                  long v = db.incrementAndGet(k);
                  cache.invalidateTags("row:" + k);
                  committed.accumulateAndGet(k, v, Math::max);
                  writes.incrementAndGet();
                }
                return null;
              }));
    }
    for (int t = 0; t < readers; t++) {
      workers.add(
          pool.submit(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                start.await();
                // Reads go on until each reader made readsEach and the writers made minWrites.
                for (int i = 0; i < readsEach || writes.get() < minWrites; i++) {
                  int k = r.nextInt(keys);
                  long floor = committed.get(k);
                  Long seen =
                      cache.get(
                          CacheKey.of("row", k),
                          Long.class,
                          policies[k],
                          () -> {
                            long v = db.get(k);
                            if (r.nextInt(4) == 0) {
                              Thread.yield();
                            }
                            return v;
                          });
                  if (seen < floor) {
                    stale.incrementAndGet();
                  }
                }
                readersDone.countDown();
                return null;
              }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    assertThat(stale).as("reads older than a write completed before they began").hasValue(0);
  }

  // ------------------------------------------------------------------ expiry

  @Test
  public void ttl_expiredEntry_isMiss() {
    CacheKey key = CacheKey.of("article", 1L);
    CachePolicy policy = CachePolicy.builder().ttl(Duration.ofSeconds(30)).jitter(0).build();
    cache.put(key, "v1", policy);
    clock.advance(Duration.ofSeconds(29));
    assertThat(cache.get(key, String.class)).isEqualTo("v1");
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  public void ttlJitter_spreadsExpiry() {
    CachePolicy policy = CachePolicy.builder().ttl(Duration.ofSeconds(100)).jitter(0.2).build();
    for (int i = 0; i < 40; i++) {
      cache.put(CacheKey.of("j", i), i, policy);
    }
    clock.advance(Duration.ofSeconds(100));
    int alive = 0;
    for (int i = 0; i < 40; i++) {
      if (cache.get(CacheKey.of("j", i), Integer.class) != null) {
        alive++;
      }
    }
    // With ±20% jitter about half outlive the nominal TTL; all or none would mean no jitter.
    assertThat(alive).isBetween(1, 39);
    clock.advance(Duration.ofSeconds(21));
    for (int i = 0; i < 40; i++) {
      assertThat(cache.get(CacheKey.of("j", i), Integer.class)).isNull();
    }
  }

  @Test
  public void softTtl_servesStaleWhileOneBackgroundReloadRuns() throws Exception {
    CacheKey key = CacheKey.of("article", 1L);
    CachePolicy policy =
        CachePolicy.builder()
            .ttl(Duration.ofMinutes(10))
            .softTtl(Duration.ofMinutes(1))
            .jitter(0)
            .build();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch reloadMayFinish = new CountDownLatch(1);
    // The cache runs background work on this executor, so the test sees the reload end.
    AtomicInteger tasks = new AtomicInteger();
    CountDownLatch reloadDone = new CountDownLatch(1);
    LayerCache cache =
        build(
            builder()
                .executor(
                    task -> {
                      tasks.incrementAndGet();
                      pool.execute(
                          () -> {
                            try {
                              task.run();
                            } finally {
                              reloadDone.countDown();
                            }
                          });
                    }));
    this.cache.close();
    this.cache = cache; // closed after the test
    assertThat(cache.get(key, Integer.class, policy, loads::incrementAndGet)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 10; i++) {
      Integer v =
          cache.get(
              key,
              Integer.class,
              policy,
              () -> {
                reloadMayFinish.await();
                return loads.incrementAndGet();
              });
      assertThat(v).as("stale value served while reloading").isEqualTo(1);
    }
    reloadMayFinish.countDown();
    assertThat(reloadDone.await(30, TimeUnit.SECONDS)).as("the reload ended").isTrue();
    assertThat(tasks).as("one background task").hasValue(1);
    assertThat(loads).as("one background reload").hasValue(2);
    assertThat(cache.get(key, Integer.class, policy, () -> -1))
        .as("the reloaded value, stored before the reload ended")
        .isEqualTo(2);
    assertThat(loads).hasValue(2);
  }

  // ------------------------------------------------------------------ policy and input

  @Test
  public void nulls_cachedOnlyWhenPolicyAllows() {
    AtomicInteger loads = new AtomicInteger();
    CachePolicy noNulls = tagged();
    CachePolicy nulls = CachePolicy.builder().cacheNulls(true).build();
    for (int i = 0; i < 3; i++) {
      cache.get(
          CacheKey.of("n", 1),
          String.class,
          noNulls,
          () -> {
            loads.incrementAndGet();
            return null;
          });
    }
    assertThat(loads).hasValue(3);
    for (int i = 0; i < 3; i++) {
      cache.get(
          CacheKey.of("n", 2),
          String.class,
          nulls,
          () -> {
            loads.incrementAndGet();
            return null;
          });
    }
    assertThat(loads).hasValue(4);
  }

  @Test
  public void emptyResults_cachedOnlyWhenPolicyAllows() {
    AtomicInteger loads = new AtomicInteger();
    CachePolicy noEmpty = CachePolicy.builder().cacheEmpty(false).build();
    TypeReference<List<Friend>> type = new TypeReference<>() {};
    for (int i = 0; i < 2; i++) {
      cache.get(
          CacheKey.of("e", 1),
          type,
          noEmpty,
          () -> {
            loads.incrementAndGet();
            return List.of();
          });
    }
    assertThat(loads).hasValue(2);
  }

  @Test
  public void valueOverSizeLimit_isReturnedButNotStored() {
    try (LayerCache small =
        LayerCache.builder()
            .namespace(uniqueNamespace())
            .backend(createBackend())
            .maxValueBytes(1000)
            .build()) {
      AtomicInteger loads = new AtomicInteger();
      String big = "x".repeat(5000);
      for (int i = 0; i < 2; i++) {
        String v =
            small.get(
                CacheKey.of("big", 1),
                String.class,
                tagged(),
                () -> {
                  loads.incrementAndGet();
                  return big;
                });
        assertThat(v).isEqualTo(big);
      }
      assertThat(loads).hasValue(2);
      assertThatThrownBy(() -> small.put(CacheKey.of("big", 2), big, tagged()))
          .isInstanceOf(dev.layercache.ValueTooLargeException.class)
          .hasMessageContaining("5002 bytes");
    }
  }

  @Test
  public void loaderException_reachesCallerUnchanged_andNothingIsCached() {
    CacheKey key = CacheKey.of("boom", 1);
    java.io.IOException failure = new java.io.IOException("db down");
    assertThatThrownBy(
            () ->
                cache.get(
                    key,
                    String.class,
                    tagged(),
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  public void getAll_returnsHitsAndLoadsMissesInOneCall() throws Exception {
    CachePolicy policy = tagged("bulk");
    cache.put(CacheKey.of("u", 1), "one", policy);
    cache.put(CacheKey.of("u", 2), "two", policy);
    List<CacheKey> keys = List.of(CacheKey.of("u", 1), CacheKey.of("u", 2), CacheKey.of("u", 3));
    assertThat(cache.getAll(keys, String.class))
        .containsOnlyKeys(CacheKey.of("u", 1), CacheKey.of("u", 2));
    AtomicInteger calls = new AtomicInteger();
    Map<CacheKey, String> all =
        cache.getAll(
            keys,
            String.class,
            policy,
            (Set<CacheKey> missing) -> {
              calls.incrementAndGet();
              assertThat(missing).containsExactly(CacheKey.of("u", 3));
              return Map.of(CacheKey.of("u", 3), "three");
            });
    assertThat(all).containsEntry(CacheKey.of("u", 3), "three").hasSize(3);
    assertThat(cache.get(CacheKey.of("u", 3), String.class)).isEqualTo("three");
    cache.invalidateTags("bulk");
    assertThat(cache.getAll(keys, String.class)).isEmpty();
    assertThat(calls).hasValue(1);
  }

  @Test
  public void singleFlight_64ThreadsMissingOneKey_loadOnce() throws Exception {
    CacheKey key = CacheKey.of("hot", 1);
    AtomicInteger loads = new AtomicInteger();
    AtomicBoolean allArrived = new AtomicBoolean();
    int threads = 64;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService many =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "single-flight-caller");
              callers.add(t);
              return t;
            });
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            many.submit(
                () -> {
                  start.await();
                  return cache.get(
                      key,
                      String.class,
                      tagged("hot"),
                      () -> {
                        loads.incrementAndGet();
                        // Every other caller waits on this load (or, wrongly, runs its own).
                        allArrived.set(awaitFollowers(callers, threads, loads));
                        return "value";
                      });
                }));
      }
      for (Future<String> f : results) {
        assertThat(f.get()).isEqualTo("value");
      }
    } finally {
      many.shutdownNow();
    }
    assertThat(allArrived).as("every caller joined a load before it ended").isTrue();
    assertThat(loads).hasValue(1);
  }

  /**
   * Waits until every caller but the loading ones waits on a load in flight: a follower is seen by
   * the core's single-flight wait in its stack.
   */
  private static boolean awaitFollowers(List<Thread> callers, int threads, AtomicInteger loads)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (System.nanoTime() < deadline) {
      int following = 0;
      for (Thread t : callers) {
        if (waitsOnFlight(t)) {
          following++;
        }
      }
      if (following + loads.get() >= threads) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static boolean waitsOnFlight(Thread t) {
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().equals("dev.layercache.internal.SingleFlight$Flight")
          && frame.getMethodName().equals("await")) {
        return true;
      }
    }
    return false;
  }

  @Test
  public void getAsync_completesWithValueOrLoaderFailure() throws Exception {
    assertThat(cache.getAsync(CacheKey.of("async", 1), String.class, tagged(), () -> "v").get())
        .isEqualTo("v");
    java.util.concurrent.CompletableFuture<String> failed =
        cache.getAsync(
            CacheKey.of("async", 2),
            String.class,
            tagged(),
            () -> {
              throw new java.util.concurrent.TimeoutException("no");
            });
    assertThatThrownBy(failed::get)
        .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class);
  }
}
