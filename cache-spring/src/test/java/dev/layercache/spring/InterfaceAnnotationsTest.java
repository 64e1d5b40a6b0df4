package dev.layercache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.Key;
import dev.layercache.local.LocalBackend;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.util.AopTestUtils;

/**
 * Annotations on an interface apply to the bean that implements it, whether the bean is proxied
 * through its interfaces or by a subclass (Spring Boot's default): a subclass proxy is asked with
 * the class's own method, which carries no annotation.
 */
class InterfaceAnnotationsTest {
  public interface Titles {
    @Cached(name = "title")
    String title(long id);

    @Evict(name = "title")
    void rename(@Key long id, String title);
  }

  public static class JdbcTitles implements Titles {
    final AtomicInteger loads = new AtomicInteger();
    volatile String current = "first";

    @Override
    public String title(long id) {
      loads.incrementAndGet();
      return current;
    }

    @Override
    public void rename(long id, String title) {
      current = title;
    }
  }

  @Configuration
  static class Beans {
    @Bean
    LayerCache layerCache() {
      return LayerCache.builder().namespace("ifc").backend(LocalBackend.builder().build()).build();
    }

    @Bean
    JdbcTitles titles() {
      return new JdbcTitles();
    }
  }

  @Configuration
  @EnableLayerCache(proxyTargetClass = true)
  @Import(Beans.class)
  static class SubclassProxies {}

  @Configuration
  @EnableLayerCache
  @Import(Beans.class)
  static class InterfaceProxies {}

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void interfaceAnnotations_cacheAndEvict_throughEitherProxy(boolean subclass) {
    try (AnnotationConfigApplicationContext ctx =
        new AnnotationConfigApplicationContext(
            subclass ? SubclassProxies.class : InterfaceProxies.class)) {
      Titles titles = ctx.getBean(Titles.class);
      assertThat(AopUtils.isCglibProxy(titles)).isEqualTo(subclass);
      JdbcTitles target = (JdbcTitles) AopTestUtils.getTargetObject(titles);
      assertThat(titles.title(1)).isEqualTo("first");
      assertThat(titles.title(1)).isEqualTo("first");
      assertThat(target.loads.get()).as("the second read is a hit").isOne();
      titles.rename(1, "second");
      assertThat(titles.title(1)).as("evicted by the interface's @Evict").isEqualTo("second");
      assertThat(target.loads.get()).isEqualTo(2);
    }
  }
}
