package dev.layercache.spring.internal;

import java.lang.reflect.Type;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Builds the {@link CacheableTypes} allow-list from the beans of a context as they are created: for
 * every method Spring would cache ({@code @Cacheable} or {@code @CachePut}, with the names of a
 * class's {@code @CacheConfig}), its value type under each cache name it names.
 */
public final class CacheableTypeScanner implements BeanPostProcessor {
  private static final Logger LOG = LoggerFactory.getLogger("dev.layercache.spring");

  private final CacheableTypes types;
  private final AnnotationCacheOperationSource operations =
      new AnnotationCacheOperationSource(false);

  /**
   * Creates the scanner.
   *
   * @param types the allow-list it fills
   */
  public CacheableTypeScanner(CacheableTypes types) {
    this.types = types;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
    if (targetClass.getName().startsWith("org.springframework.")) {
      return bean;
    }
    ReflectionUtils.doWithMethods(
        targetClass,
        method -> {
          Collection<CacheOperation> ops = operations.getCacheOperations(method, targetClass);
          if (ops == null || ops.isEmpty()) {
            return;
          }
          Type type = null;
          boolean typed = false;
          for (CacheOperation op : ops) {
            if (!(op instanceof CacheableOperation) && !(op instanceof CachePutOperation)) {
              continue;
            }
            if (!typed) {
              type = ValueTypes.of(method, targetClass);
              typed = true;
              if (type == null) {
                LOG.warn(
                    "{}.{} returns {}: a LayerCacheManager caches only values, Optional and"
                        + " CompletableFuture results",
                    targetClass.getSimpleName(),
                    method.getName(),
                    method.getReturnType().getSimpleName());
              }
            }
            if (type != null) {
              for (String name : op.getCacheNames()) {
                types.add(name, type, targetClass.getSimpleName() + "." + method.getName());
              }
            }
          }
        },
        ReflectionUtils.USER_DECLARED_METHODS);
    return bean;
  }
}
