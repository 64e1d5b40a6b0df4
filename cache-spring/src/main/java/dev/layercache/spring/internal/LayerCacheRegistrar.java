package dev.layercache.spring.internal;

import dev.layercache.LayerCache;
import dev.layercache.annotation.DurationFormat;
import dev.layercache.spring.EnableLayerCache;
import dev.layercache.spring.LayerCacheAdvisor;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/** Registers what {@link EnableLayerCache} turns on. */
public final class LayerCacheRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {
  /** The bean name of the advisor {@link EnableLayerCache} registers. */
  public static final String ADVISOR = "dev.layercache.spring.internalLayerCacheAdvisor";

  private static final String SCOPING = "dev.layercache.spring.internalCacheAdvisorScoping";
  private static final String TYPES = "dev.layercache.spring.internalCacheableTypes";
  private static final String SCANNER = "dev.layercache.spring.internalCacheableTypeScanner";

  private @Nullable BeanFactory beanFactory;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void registerBeanDefinitions(
      AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Map<String, @Nullable Object> attributes =
        metadata.getAnnotationAttributes(EnableLayerCache.class.getName());
    if (attributes == null) {
      return;
    }
    AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
    if (Boolean.TRUE.equals(attributes.get("proxyTargetClass"))) {
      AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
    String cacheBean = (String) attributes.get("cache");
    int order = (Integer) attributes.get("order");
    Duration maxLockTime = DurationFormat.parse((String) attributes.get("maxLockTime"));
    BeanFactory bf = beanFactory;
    if (bf == null) {
      throw new IllegalStateException("@EnableLayerCache needs a bean factory");
    }
    if (!registry.containsBeanDefinition(ADVISOR)) {
      RootBeanDefinition advisor =
          new RootBeanDefinition(
              LayerCacheAdvisor.class,
              () ->
                  LayerCacheAdvisor.builder(
                          () ->
                              cacheBean == null || cacheBean.isEmpty()
                                  ? bf.getBean(LayerCache.class)
                                  : bf.getBean(cacheBean, LayerCache.class))
                      .order(order)
                      .maxLockTime(maxLockTime)
                      .build());
      infrastructure(registry, ADVISOR, advisor);
    }
    if (!registry.containsBeanDefinition(SCOPING)) {
      infrastructure(registry, SCOPING, new RootBeanDefinition(CacheAdvisorScoping.class));
    }
    if (!registry.containsBeanDefinition(TYPES)) {
      infrastructure(registry, TYPES, new RootBeanDefinition(CacheableTypes.class));
      RootBeanDefinition scanner = new RootBeanDefinition(CacheableTypeScanner.class);
      scanner
          .getConstructorArgumentValues()
          .addIndexedArgumentValue(0, new RuntimeBeanReference(TYPES));
      infrastructure(registry, SCANNER, scanner);
    }
  }

  private static void infrastructure(
      BeanDefinitionRegistry registry, String name, RootBeanDefinition definition) {
    definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
    registry.registerBeanDefinition(name, definition);
  }
}
