package dev.layercache.spring.internal;

import dev.layercache.CachingPlan;
import dev.layercache.LayerCache;
import dev.layercache.ObjectCaching;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.util.ClassUtils;

/**
 * Applies {@link Cached}, {@link Evict} and {@link InvalidateTags} to calls of Spring beans. The
 * annotations are read by {@link ObjectCaching#plan} (as {@link ObjectCaching#proxy} reads them,
 * with the same keys); reads go through {@link LayerCache#get(dev.layercache.CacheKey,
 * java.lang.reflect.Type, dev.layercache.CachePolicy, dev.layercache.Loader) read-through}, and
 * writes through {@link TransactionalInvalidation}, so that inside a Spring transaction they are
 * locked at the call and applied at the commit. Annotations on the bean class's method take
 * precedence over those on the interface method it implements.
 */
public final class AnnotationInterceptor implements MethodInterceptor {
  private final Supplier<LayerCache> cacheSource;
  private final Duration maxLockTime;
  private final TransactionalInvalidation.Timing timing;
  private final ConcurrentMap<MethodClassKey, Optional<CachingPlan>> plans =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<MethodClassKey, MethodAndClass> matched = new ConcurrentHashMap<>();
  private volatile @Nullable LayerCache cache;
  private volatile @Nullable TransactionalInvalidation invalidation;

  /**
   * Creates the interceptor.
   *
   * @param cacheSource the cache, resolved at first use
   * @param maxLockTime how long a write's lock holds at most
   * @param timing {@link TransactionalInvalidation.Timing#FULL} outside tests
   */
  public AnnotationInterceptor(
      Supplier<LayerCache> cacheSource,
      Duration maxLockTime,
      TransactionalInvalidation.Timing timing) {
    this.cacheSource = cacheSource;
    this.maxLockTime = maxLockTime;
    this.timing = timing;
  }

  /**
   * The pointcut: methods carrying one of the annotations, on the bean class or its interfaces.
   *
   * @return the pointcut
   */
  public StaticMethodMatcherPointcut pointcut() {
    return new StaticMethodMatcherPointcut() {
      @Override
      public boolean matches(Method method, Class<?> targetClass) {
        if (annotated(method, targetClass) == null) {
          return false;
        }
        matched.putIfAbsent(
            new MethodClassKey(method, targetClass), new MethodAndClass(method, targetClass));
        return true;
      }
    };
  }

  /**
   * Reads the annotations of every method the pointcut matched, so that a misuse fails the
   * application's start rather than its first call.
   *
   * @throws dev.layercache.CacheConfigurationException naming the first misused method
   */
  public void checkMatchedMethods() {
    for (MethodAndClass m : matched.values()) {
      plan(m.method, m.targetClass);
    }
  }

  private LayerCache cache() {
    LayerCache c = cache;
    if (c == null) {
      c = cacheSource.get();
      cache = c;
    }
    return c;
  }

  private TransactionalInvalidation invalidation() {
    TransactionalInvalidation i = invalidation;
    if (i == null) {
      i = new TransactionalInvalidation(cache(), maxLockTime, timing);
      invalidation = i;
    }
    return i;
  }

  /** The method whose annotations apply: the bean class's if annotated, else the one called. */
  static @Nullable Method annotated(Method method, @Nullable Class<?> targetClass) {
    Method specific =
        BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
    if (carries(specific)) {
      return specific;
    }
    if (specific != method && carries(method)) {
      return method;
    }
    // A subclass proxy is asked with the class's own method: the annotations may sit on an
    // interface method it implements.
    Class<?> owner = targetClass != null ? targetClass : specific.getDeclaringClass();
    for (Class<?> i : ClassUtils.getAllInterfacesForClassAsSet(owner)) {
      try {
        Method declared = i.getMethod(specific.getName(), specific.getParameterTypes());
        if (carries(declared)) {
          return declared;
        }
      } catch (NoSuchMethodException e) {
        // not declared by this interface
      }
    }
    return null;
  }

  private static boolean carries(Method m) {
    return m.isAnnotationPresent(Cached.class)
        || m.isAnnotationPresent(Evict.class)
        || m.isAnnotationPresent(Evict.List.class)
        || m.isAnnotationPresent(InvalidateTags.class);
  }

  private @Nullable CachingPlan plan(Method method, Class<?> targetClass) {
    return plans
        .computeIfAbsent(
            new MethodClassKey(method, targetClass),
            k -> {
              Method m = annotated(method, targetClass);
              return Optional.ofNullable(m == null ? null : ObjectCaching.plan(m, cache()));
            })
        .orElse(null);
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass =
        target == null ? method.getDeclaringClass() : AopUtils.getTargetClass(target);
    CachingPlan plan = plan(method, targetClass);
    if (plan == null) {
      return invocation.proceed();
    }
    Object[] args = invocation.getArguments();
    if (plan instanceof CachingPlan.Read) {
      CachingPlan.Read read = (CachingPlan.Read) plan;
      try {
        return cache()
            .get(read.key(args), read.valueType(), read.policy(args), () -> load(invocation));
      } catch (ThrowableCarrier e) {
        throw e.getCause();
      }
    }
    CachingPlan.Write write = (CachingPlan.Write) plan;
    return invalidation()
        .around(
            targetClass.getSimpleName() + "." + method.getName(),
            write.evictedKeys(args),
            write.tags(args),
            write::resultTags,
            invocation::proceed);
  }

  private static @Nullable Object load(MethodInvocation invocation) throws Exception {
    try {
      return invocation.proceed();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new ThrowableCarrier(t);
    }
  }

  /** Carries a throwable that is neither an exception nor an error through the loader. */
  private static final class ThrowableCarrier extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ThrowableCarrier(Throwable cause) {
      super(cause);
    }
  }

  private static final class MethodAndClass {
    final Method method;
    final Class<?> targetClass;

    MethodAndClass(Method method, Class<?> targetClass) {
      this.method = method;
      this.targetClass = targetClass;
    }
  }
}
