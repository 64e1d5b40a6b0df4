package dev.layercache.spring;

import dev.layercache.CacheConfigurationException;
import dev.layercache.LayerCache;
import dev.layercache.spring.internal.AnnotationInterceptor;
import dev.layercache.spring.internal.TransactionalInvalidation;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;

/**
 * Applies LayerCache's {@link dev.layercache.annotation.Cached}, {@link
 * dev.layercache.annotation.Evict} and {@link dev.layercache.annotation.InvalidateTags} to Spring
 * beans, with no manual proxy: Spring's auto-proxying wraps every bean with an annotated method.
 * {@link EnableLayerCache} registers one; declare your own (with the infrastructure role, or with
 * {@code @EnableAspectJAutoProxy}) for other settings.
 *
 * <p>The annotations mean what they mean for {@link dev.layercache.ObjectCaching#proxy} (same keys,
 * same checks, which fail the application's start), with one difference: writes follow Spring
 * transactions. Inside a transaction ({@code TransactionSynchronizationManager}), the keys an
 * {@code @Evict} names and the tags an {@code @InvalidateTags} names are locked when the method is
 * called, so that no application server serves or stores their entries until the commit, and are
 * evicted, invalidated and unlocked after it; after a rollback they are only unlocked. A value
 * loaded while the transaction is open therefore never outlives its commit, which a plain eviction
 * when the method returns cannot promise. Outside a transaction the keys and tags are locked around
 * the call, so the method's own commits are covered the same way. Tags named by a result ({@code
 * fromResult = true}) are locked when the method returns.
 *
 * <p>Order: {@link #DEFAULT_ORDER} places the advisor just outside {@code @Transactional} and
 * Spring's caching at their default order, so a hit opens no transaction. Invalidations are correct
 * in any order.
 *
 * <p>Thread-safe and immutable.
 */
public final class LayerCacheAdvisor
    implements PointcutAdvisor, Ordered, SmartInitializingSingleton {
  /** The default order: just before {@link Ordered#LOWEST_PRECEDENCE}. */
  public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

  /**
   * How long a write's lock holds at most when its release is lost (the application died
   * mid-transaction): 30 seconds. Choose it above the longest transaction.
   */
  public static final Duration DEFAULT_MAX_LOCK_TIME = Duration.ofSeconds(30);

  private final AnnotationInterceptor interceptor;
  private final Pointcut pointcut;
  private final int order;

  private LayerCacheAdvisor(Builder b) {
    this.interceptor = new AnnotationInterceptor(b.cache, b.maxLockTime, b.timing);
    this.pointcut = interceptor.pointcut();
    this.order = b.order;
  }

  /**
   * Starts an advisor over a cache.
   *
   * @param cache the cache the annotated methods use
   * @return a builder
   */
  public static Builder builder(LayerCache cache) {
    Objects.requireNonNull(cache, "cache");
    return new Builder(() -> cache);
  }

  /**
   * Starts an advisor whose cache is resolved at its first use, for configuration code that must
   * not create the cache bean among the infrastructure (advisors are created early).
   *
   * @param cache supplies the cache, once
   * @return a builder
   */
  public static Builder builder(Supplier<LayerCache> cache) {
    Objects.requireNonNull(cache, "cache");
    return new Builder(cache);
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return interceptor;
  }

  @Override
  public boolean isPerInstance() {
    return true;
  }

  @Override
  public int getOrder() {
    return order;
  }

  /**
   * Reads the annotations of every method matched while the beans were proxied, so that a misuse
   * fails the start.
   *
   * @throws CacheConfigurationException naming a misused method
   */
  @Override
  public void afterSingletonsInstantiated() {
    interceptor.checkMatchedMethods();
  }

  @Override
  public String toString() {
    return "LayerCacheAdvisor[order=" + order + "]";
  }

  /** Builds a {@link LayerCacheAdvisor}; each setter validates its argument at once. */
  public static final class Builder {
    private final Supplier<LayerCache> cache;
    private int order = DEFAULT_ORDER;
    private Duration maxLockTime = DEFAULT_MAX_LOCK_TIME;
    private TransactionalInvalidation.Timing timing = TransactionalInvalidation.Timing.FULL;

    private Builder(Supplier<LayerCache> cache) {
      this.cache = cache;
    }

    /**
     * Sets the advisor's order among the aspects of a bean (lower runs first, outside).
     *
     * @param order the order; default {@link #DEFAULT_ORDER}
     * @return this builder
     */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    /**
     * Sets how long a write's lock holds at most.
     *
     * @param maxLockTime at least 1 ms; default {@link #DEFAULT_MAX_LOCK_TIME}
     * @return this builder
     * @throws CacheConfigurationException if shorter
     */
    public Builder maxLockTime(Duration maxLockTime) {
      if (maxLockTime == null || maxLockTime.toMillis() < 1) {
        throw new CacheConfigurationException(
            "maxLockTime must be at least 1 ms, was " + maxLockTime);
      }
      this.maxLockTime = maxLockTime;
      return this;
    }

    // Tests only: the unsafe timings show that the race tests can fail.
    Builder timing(TransactionalInvalidation.Timing timing) {
      this.timing = Objects.requireNonNull(timing, "timing");
      return this;
    }

    /**
     * Returns the advisor.
     *
     * @return a new advisor
     */
    public LayerCacheAdvisor build() {
      return new LayerCacheAdvisor(this);
    }
  }
}
