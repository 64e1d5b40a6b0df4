package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.local.LocalBackend;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The race tests of the protocol run here twice: against the real backend, where they must find no
 * stale value, and against a backend with one protection switched off, where they must find one.
 * This proves each test can fail.
 */
class ProtectionOffTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CachePolicy policy = CachePolicy.builder().tags("articles").build();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Takes the snapshot at write time instead of before the load: the classic stale-set bug. */
  static final class SnapshotAtWrite extends ForwardingBackend {
    SnapshotAtWrite() {
      super(LocalBackend.builder().build(), true);
    }

    @Override
    public void write(String entryKey, StoredEntry e, long ttlMillis) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < e.tagCount(); i++) {
        keys.add(e.tagKey(i));
      }
      long[] now = delegate.tagVersions(keys, true);
      super.write(
          entryKey,
          StoredEntry.create(
              e.codecId(),
              e.createdAt(),
              e.softExpireAt(),
              e.hardExpireAt(),
              e.fingerprint(),
              keys.toArray(new String[0]),
              now,
              e.value(),
              e.payload(),
              e.payloadSize()),
          ttlMillis);
    }
  }

  /** Eviction deletes the entry but does not bump the key's own tag. */
  static final class EvictWithoutBump extends ForwardingBackend {
    EvictWithoutBump() {
      super(LocalBackend.builder().build(), true);
    }

    @Override
    public void evict(String entryKey, String keyTagKey) {
      delegate.delete(entryKey);
    }
  }

  /** Re-creates a lost tag version with a constant instead of a fresh unique value. */
  static final class ReusedVersions extends ForwardingBackend {
    final java.util.Map<String, Long> versions = new java.util.concurrent.ConcurrentHashMap<>();

    ReusedVersions() {
      super(LocalBackend.builder().build(), false);
    }

    @Override
    public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
      BackendRead inner = delegate.read(entryKey, keyTagKey, tagKeys);
      StoredEntry e = inner.entry();
      byte[] bytes = e == null ? null : e.toBytes();
      List<String> all = new ArrayList<>(tagKeys);
      all.add(keyTagKey);
      long[] v = new long[all.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = versions.getOrDefault(all.get(i), BackendRead.ABSENT);
      }
      return new dev.layercache.spi.FetchedRead(bytes, all, v);
    }

    @Override
    public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
      long[] v = new long[tagKeys.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] =
            createAbsent
                ? versions.computeIfAbsent(tagKeys.get(i), k -> 1L)
                : versions.getOrDefault(tagKeys.get(i), BackendRead.ABSENT);
      }
      return v;
    }

    @Override
    public void bumpTags(List<String> tagKeys) {
      for (String k : tagKeys) {
        versions.merge(k, 1L, Long::sum);
      }
    }

    @Override
    public void evict(String entryKey, String keyTagKey) {
      bumpTags(List.of(keyTagKey));
      delegate.delete(entryKey);
    }
  }

  private LayerCache cache(CacheBackend backend) {
    return LayerCache.builder().namespace("p").backend(backend).build();
  }

  /** Miss, load old row, concurrent write + bump, put: returns what the next read serves. */
  private int bumpDuringLoad(LayerCache cache) throws Exception {
    CacheKey key = CacheKey.of("article", 1);
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
                      int v = db.get();
                      loading.countDown();
                      written.await();
                      return v;
                    }));
    loading.await();
    db.set(2);
    cache.invalidateTags("articles");
    written.countDown();
    racer.get();
    return cache.get(key, Integer.class, policy, db::get);
  }

  private int evictDuringLoad(LayerCache cache) throws Exception {
    CacheKey key = CacheKey.of("profile", 1);
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
    racer.get();
    return cache.get(key, Integer.class, policy, db::get);
  }

  @Test
  void bumpDuringLoad_protectedServesNew_unprotectedServesStale() throws Exception {
    try (LayerCache good = cache(LocalBackend.builder().build())) {
      assertThat(bumpDuringLoad(good)).isEqualTo(2);
    }
    try (LayerCache broken = cache(new SnapshotAtWrite())) {
      assertThat(bumpDuringLoad(broken)).as("without snapshot-before-load").isEqualTo(1);
    }
  }

  @Test
  void evictDuringLoad_protectedServesNew_unprotectedServesStale() throws Exception {
    try (LayerCache good = cache(LocalBackend.builder().build())) {
      assertThat(evictDuringLoad(good)).isEqualTo(2);
    }
    try (LayerCache broken = cache(new EvictWithoutBump())) {
      assertThat(evictDuringLoad(broken)).as("without the key's own tag").isEqualTo(1);
    }
  }

  @Test
  void lostTagVersion_unprotectedRevivesOldEntry() {
    try (ReusedVersions backend = new ReusedVersions();
        LayerCache broken = cache(backend)) {
      CacheKey key = CacheKey.of("article", 9);
      broken.put(key, "old", policy);
      backend.versions.clear(); // every version lost, as after a restart
      // Readers re-create the versions they find absent.
      backend.tagVersions(
          List.of(key.keyTagKey("p"), policy.tagKeys("p").get(0)), /* createAbsent= */ true);
      assertThat(broken.get(key, String.class))
          .as("reused version numbers revive an entry older than the loss")
          .isEqualTo("old");
    }
  }
}
