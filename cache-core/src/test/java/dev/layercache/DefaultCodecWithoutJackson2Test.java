package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.codec.Jackson3Codec;
import dev.layercache.internal.CacheEngine;
import dev.layercache.local.LocalBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A class path with Jackson 3 and without Jackson 2's databind, as in a Spring Boot 4 application
 * that excludes it from cache-core (Jackson 2's small streaming jar stays: the API's {@code
 * TypeReference} overloads are in it): a cache built without a codec uses {@link Jackson3Codec},
 * and reads, writes and sessions work. Run by the {@code without-jackson2} surefire execution only,
 * which removes Jackson 2's databind and modules from the test class path.
 */
class DefaultCodecWithoutJackson2Test {
  public record Article(long id, String title, Instant published, List<String> labels) {}

  public record Login(long userId, List<String> roles) {}

  @BeforeAll
  static void jackson2IsReallyAbsent() {
    for (String name :
        List.of(
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
            "com.fasterxml.jackson.datatype.jdk8.Jdk8Module",
            "com.fasterxml.jackson.module.paramnames.ParameterNamesModule")) {
      assertThatThrownBy(() -> Class.forName(name))
          .as(name + " must not be on this test's class path")
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void build_withoutCodec_usesTheJackson3Codec() {
    try (LayerCache cache =
        LayerCache.builder().namespace("t").backend(LocalBackend.builder().build()).build()) {
      assertThat(((CacheEngine) cache).codec()).isInstanceOf(Jackson3Codec.class);
    }
  }

  @Test
  void valuesRoundTripThroughABackendThatStoresBytes() {
    ForwardingBackend remote = new ForwardingBackend(LocalBackend.builder().build(), false);
    try (LayerCache cache = LayerCache.builder().namespace("t").backend(remote).build()) {
      CachePolicy policy =
          CachePolicy.builder().ttl(Duration.ofMinutes(1)).tags("articles").build();
      Article article =
          new Article(42, "Caching", Instant.parse("2026-11-22T10:15:30.5Z"), List.of("jvm"));
      CacheKey key = CacheKey.of("article", 42L);
      assertThat(cache.put(key, article, policy)).isTrue();
      assertThat(cache.get(key, Article.class)).isEqualTo(article);
      assertThat(cache.get(key, Article.class, policy, () -> null)).isEqualTo(article);
      cache.invalidateTags("articles");
      assertThat(cache.get(key, Article.class)).isNull();
    }
  }

  @Test
  void sessions_work() {
    ForwardingBackend remote = new ForwardingBackend(LocalBackend.builder().build(), false);
    try (LayerCache cache = LayerCache.builder().namespace("s").backend(remote).build()) {
      SessionStore<Login> sessions = SessionStore.builder(cache, Login.class).build();
      String id = sessions.create(new Login(7, List.of("reader")));
      assertThat(sessions.find(id)).isEqualTo(Optional.of(new Login(7, List.of("reader"))));
      assertThat(sessions.update(id, new Login(7, List.of("editor")))).isTrue();
      assertThat(sessions.find(id).map(Login::roles)).contains(List.of("editor"));
    }
  }
}
