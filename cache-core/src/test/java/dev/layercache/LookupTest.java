package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheLookup.Hit;
import dev.layercache.CacheLookup.Miss;
import dev.layercache.CacheLookup.MissReason;
import dev.layercache.local.LocalBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Read-through split in a lookup and a fill, and locks on keys. */
class LookupTest {
  private final LayerCache cache =
      LayerCache.builder().namespace("lk").backend(LocalBackend.builder().build()).build();
  private final CacheKey key = CacheKey.of("article", 1L);
  private final CachePolicy policy = CachePolicy.builder().tags("articles").build();

  @AfterEach
  void close() {
    cache.close();
  }

  private CacheLookup<String> lookup(CacheKey k, CachePolicy p) {
    return cache.lookup(k, String.class, p);
  }

  private static Miss<String> miss(CacheLookup<String> l) {
    assertThat(l).isInstanceOf(Miss.class);
    return (Miss<String>) l;
  }

  @Test
  void lookup_tellsACachedNullFromAMiss() {
    CachePolicy nulls = CachePolicy.builder().cacheNulls(true).build();
    assertThat(miss(lookup(key, nulls)).reason()).isEqualTo(MissReason.ABSENT);
    cache.put(key, null, nulls);
    assertThat(lookup(key, nulls)).isEqualTo(new Hit<String>(null));
  }

  @Test
  void fill_isServedByTheNextLookup() {
    assertThat(miss(lookup(key, policy)).fill("v1")).isTrue();
    assertThat(lookup(key, policy)).isEqualTo(new Hit<>("v1"));
  }

  @Test
  void fill_afterAnInvalidationDuringTheComputation_isStaleAtBirth() {
    Miss<String> m = miss(lookup(key, policy));
    cache.invalidateTags("articles"); // a write while the value was computed from old rows
    m.fill("old");
    assertThat(miss(lookup(key, policy)).reason()).isEqualTo(MissReason.STALE);
  }

  @Test
  void fill_afterAnEvictionDuringTheComputation_isStaleAtBirth() {
    Miss<String> m = miss(lookup(key, policy));
    cache.evict(key);
    m.fill("old");
    assertThat(lookup(key, policy)).isInstanceOf(Miss.class);
  }

  @Test
  void fill_dependsOnWhatWasReadWhileRecording() throws Exception {
    CachePolicy inner = CachePolicy.builder().tags("comments").build();
    Miss<String> m = miss(lookup(key, policy)).recordDependencies();
    cache.get(CacheKey.of("comments", 1L), String.class, inner, () -> "c");
    m.endRecording();
    m.fill("page");
    assertThat(lookup(key, policy)).isEqualTo(new Hit<>("page"));
    cache.invalidateTags("comments");
    assertThat(miss(lookup(key, policy)).reason()).isEqualTo(MissReason.STALE);
  }

  @Test
  void fill_withoutRecording_dependsOnKeyAndTagsOnly() throws Exception {
    CachePolicy inner = CachePolicy.builder().tags("comments").build();
    Miss<String> m = miss(lookup(key, policy));
    cache.get(CacheKey.of("comments", 1L), String.class, inner, () -> "c");
    m.fill("page");
    cache.invalidateTags("comments");
    assertThat(lookup(key, policy)).isEqualTo(new Hit<>("page"));
  }

  @Test
  void lookup_insideALoad_makesTheLoadedValueDependOnIt() throws Exception {
    CacheKey outer = CacheKey.of("page", 1L);
    String page =
        cache.get(
            outer,
            String.class,
            CachePolicy.DEFAULT,
            () -> {
              miss(lookup(key, policy)).fill("a");
              return "page";
            });
    assertThat(page).isEqualTo("page");
    assertThat(cache.get(outer, String.class)).isEqualTo("page");
    cache.invalidateTags("articles");
    assertThat(cache.get(outer, String.class)).isNull();
  }

  @Test
  void recording_endsOnItsThreadAndInReverseOrder_fillOnce() throws Exception {
    Miss<String> first = miss(lookup(key, policy)).recordDependencies();
    Miss<String> second = miss(lookup(CacheKey.of("article", 2L), policy)).recordDependencies();
    assertThatThrownBy(first::endRecording).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CompletableFuture.runAsync(second::endRecording).join())
        .hasCauseInstanceOf(IllegalStateException.class);
    second.endRecording();
    first.endRecording();
    first.fill("v");
    assertThatThrownBy(() -> first.fill("w")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void lockedKey_isNeitherServedNorFilled_untilUnlocked() throws Exception {
    cache.put(key, "old", policy);
    cache.lockKeys(List.of(key), Duration.ofSeconds(30));
    Miss<String> m = miss(lookup(key, policy));
    assertThat(m.reason()).isEqualTo(MissReason.LOCKED);
    assertThat(m.fill("read during the write")).isFalse();
    AtomicInteger loads = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      cache.get(key, String.class, policy, () -> "load " + loads.incrementAndGet());
    }
    assertThat(loads).hasValue(2);
    cache.unlockKeys(List.of(key));
    assertThat(miss(lookup(key, policy)).fill("new")).isTrue();
    assertThat(lookup(key, policy)).isEqualTo(new Hit<>("new"));
  }

  @Test
  void lockedTag_makesTheLookupLocked() {
    cache.lockTags(List.of("articles"), Duration.ofSeconds(30));
    assertThat(miss(lookup(key, policy)).reason()).isEqualTo(MissReason.LOCKED);
    cache.unlockTags(List.of("articles"));
    assertThat(miss(lookup(key, policy)).reason()).isEqualTo(MissReason.ABSENT);
  }
}
