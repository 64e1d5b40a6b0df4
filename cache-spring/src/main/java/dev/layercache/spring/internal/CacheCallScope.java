package dev.layercache.spring.internal;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.MethodClassKey;

/**
 * Wraps Spring's cache interceptor (the advice of the caching advisor {@code @EnableCaching}
 * registers) so that every call it handles is a {@link CacheCall}: the caches it uses learn the
 * method's value type, tell Spring's lookups before the method from the method's own cache calls,
 * and fill a miss with the versions read before the method ran. For a method returning {@code
 * CompletableFuture}, Spring's put on completion runs as part of the call, on whatever thread
 * completes the future.
 */
public final class CacheCallScope implements MethodInterceptor {
  private final MethodInterceptor delegate;
  private final AnnotationCacheOperationSource operations =
      new AnnotationCacheOperationSource(false);
  private final ConcurrentMap<MethodClassKey, Shape> shapes = new ConcurrentHashMap<>();

  /** What a call needs to know of its method, computed once per method and class. */
  private static final class Shape {
    final @Nullable Type valueType;
    final Collection<String> cacheNames;

    Shape(@Nullable Type valueType, Collection<String> cacheNames) {
      this.valueType = valueType;
      this.cacheNames = cacheNames;
    }
  }

  /**
   * Wraps an interceptor.
   *
   * @param delegate Spring's cache interceptor
   */
  public CacheCallScope(MethodInterceptor delegate) {
    this.delegate = delegate;
  }

  /**
   * The interceptor wrapped.
   *
   * @return Spring's cache interceptor
   */
  public MethodInterceptor delegate() {
    return delegate;
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass =
        target == null ? method.getDeclaringClass() : AopUtils.getTargetClass(target);
    Shape shape =
        shapes.computeIfAbsent(
            new MethodClassKey(method, targetClass), k -> shape(method, targetClass));
    boolean async = method.getReturnType() == CompletableFuture.class;
    CacheCall call = new CacheCall(method, shape.valueType, shape.cacheNames, async);
    call.enter();
    try {
      return delegate.invoke(new Staged(invocation, call));
    } finally {
      call.endRecordings();
      call.leave();
    }
  }

  private Shape shape(Method method, Class<?> targetClass) {
    Collection<CacheOperation> ops = operations.getCacheOperations(method, targetClass);
    Set<String> names = new LinkedHashSet<>();
    if (ops != null) {
      for (CacheOperation op : ops) {
        if (op instanceof CacheableOperation || op instanceof CachePutOperation) {
          names.addAll(op.getCacheNames());
        }
      }
    }
    return new Shape(
        names.isEmpty() ? null : ValueTypes.of(method, targetClass), Set.copyOf(names));
  }

  /** The invocation Spring's interceptor proceeds with: marks where the method's body runs. */
  private static final class Staged implements MethodInvocation {
    private final MethodInvocation invocation;
    private final CacheCall call;

    Staged(MethodInvocation invocation, CacheCall call) {
      this.invocation = invocation;
      this.call = call;
    }

    @Override
    public @Nullable Object proceed() throws Throwable {
      call.bodyStarts();
      Object result;
      try {
        result = invocation.proceed();
      } finally {
        call.bodyEnded();
      }
      if (call.async && result instanceof CompletableFuture<?>) {
        return relay((CompletableFuture<?>) result);
      }
      return result;
    }

    /**
     * A future completed, on the thread that completes the method's, as part of the call: the put
     * Spring chains on it then finds the miss it fills.
     */
    private CompletableFuture<Object> relay(CompletableFuture<?> result) {
      CompletableFuture<Object> relay = new CompletableFuture<>();
      result.whenComplete(
          (value, failure) ->
              call.within(
                  () -> {
                    if (failure != null) {
                      relay.completeExceptionally(failure);
                    } else {
                      relay.complete(value);
                    }
                  }));
      relay.whenComplete(
          (value, failure) -> {
            if (relay.isCancelled()) {
              result.cancel(false);
            }
          });
      return relay;
    }

    @Override
    public Method getMethod() {
      return invocation.getMethod();
    }

    @Override
    public @Nullable Object[] getArguments() {
      return invocation.getArguments();
    }

    @Override
    public @Nullable Object getThis() {
      return invocation.getThis();
    }

    @Override
    public AccessibleObject getStaticPart() {
      return invocation.getStaticPart();
    }
  }
}
