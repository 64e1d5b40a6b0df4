package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.annotation.Cached;
import dev.layercache.annotation.ChangedTags;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import dev.layercache.annotation.Key;
import dev.layercache.local.LocalBackend;
import java.util.Collection;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Integrations read the annotations through {@link CachingPlan} exactly as the proxy does. */
class CachingPlanTest {
  public record Receipt(Set<String> changed) implements ChangedTags {
    @Override
    public Collection<String> changedTags() {
      return changed;
    }
  }

  public interface Articles {
    @Cached(name = "article", tags = "author:{author}")
    String article(@Key long id, long author);

    @Evict(name = "article")
    @Evict(name = "summary")
    @InvalidateTags("author:{1}")
    void retitle(@Key long id, long author, String title);

    @InvalidateTags(fromResult = true)
    Receipt comment(long id);

    @Cached(name = "both")
    @Evict(name = "both")
    String confused(long id);

    String plain(long id);
  }

  public interface Readers {
    @Cached(name = "article", tags = "author:{author}")
    String article(@Key long id, long author);
  }

  private final LayerCache cache =
      LayerCache.builder().namespace("cp").backend(LocalBackend.builder().build()).build();

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void readPlan_usesTheProxysKeyAndPolicy() throws Exception {
    CachingPlan.Read plan =
        (CachingPlan.Read)
            ObjectCaching.plan(Readers.class.getMethod("article", long.class, long.class), cache);
    Object[] args = {42L, 7L};
    assertThat(plan.key(args)).isEqualTo(CacheKey.of("article", 42L));
    assertThat(plan.policy(args).tags()).containsExactly("author:7");
    assertThat(plan.valueType()).isEqualTo(String.class);

    Readers proxy = ObjectCaching.proxy(Readers.class, (id, author) -> "a" + id, cache);
    proxy.article(42L, 7L);
    // What the proxy cached is found under the plan's key: both read the annotations alike.
    assertThat(cache.get(plan.key(args), String.class)).isEqualTo("a42");
  }

  @Test
  void writePlan_listsKeysBeforeAndTagsAfterTheCall() throws Exception {
    CachingPlan.Write retitle =
        (CachingPlan.Write)
            ObjectCaching.plan(
                Articles.class.getMethod("retitle", long.class, long.class, String.class), cache);
    Object[] args = {42L, 7L, "t"};
    assertThat(retitle.evictedKeys(args))
        .containsExactly(CacheKey.of("article", 42L), CacheKey.of("summary", 42L));
    assertThat(retitle.tags(args)).containsExactly("author:7");
    assertThat(retitle.tagsFromResult()).isFalse();

    CachingPlan.Write comment =
        (CachingPlan.Write)
            ObjectCaching.plan(Articles.class.getMethod("comment", long.class), cache);
    assertThat(comment.tagsFromResult()).isTrue();
    assertThat(comment.resultTags(new Receipt(Set.of("user:3")))).containsExactly("user:3");
    assertThat(comment.resultTags(null)).isEmpty();
  }

  @Test
  void plan_ofAPlainMethodIsNull_andMisuseIsReported() throws Exception {
    assertThat(ObjectCaching.plan(Articles.class.getMethod("plain", long.class), cache)).isNull();
    assertThatThrownBy(
            () -> ObjectCaching.plan(Articles.class.getMethod("confused", long.class), cache))
        .isInstanceOf(CacheConfigurationException.class)
        .hasMessageContaining("Articles.confused is both @Cached and evicting");
  }
}
