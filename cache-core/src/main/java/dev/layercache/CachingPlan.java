package dev.layercache;

import dev.layercache.internal.ObjectCachingProxies.MethodPlan;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the object-caching annotations of one method mean, read and checked exactly as {@link
 * ObjectCaching#proxy} reads them: the cache key a {@link dev.layercache.annotation.Cached} method
 * uses for given arguments and its policy, or the keys and tags an {@link
 * dev.layercache.annotation.Evict} or {@link dev.layercache.annotation.InvalidateTags} method
 * invalidates. For integrations that intercept methods themselves (a Spring advisor, say) and
 * decide <em>when</em> to invalidate (at a transaction's commit), so that both interpret the
 * annotations the same way and share keys.
 *
 * <p>Obtained with {@link ObjectCaching#plan(Method, LayerCache)}. Immutable and thread-safe.
 */
public abstract sealed class CachingPlan permits CachingPlan.Read, CachingPlan.Write {
  final Method method;
  final MethodPlan plan;

  private CachingPlan(Method method, MethodPlan plan) {
    this.method = method;
    this.plan = plan;
  }

  static @Nullable CachingPlan of(Method method, LayerCache cache) {
    MethodPlan plan = dev.layercache.internal.ObjectCachingProxies.planMethod(method, cache);
    if (plan == null) {
      return null;
    }
    return plan.kind() == MethodPlan.Kind.CACHED ? new Read(method, plan) : new Write(method, plan);
  }

  /**
   * The method whose annotations this plan reads.
   *
   * @return the method
   */
  public Method method() {
    return method;
  }

  /**
   * A {@link dev.layercache.annotation.Cached} method: read through the cache with {@link
   * LayerCache#get(CacheKey, Type, CachePolicy, Loader)}, {@code key(args)}, {@code valueType()}
   * and {@code policy(args)}.
   */
  public static final class Read extends CachingPlan {
    private Read(Method method, MethodPlan plan) {
      super(method, plan);
    }

    /**
     * The cache name, the first part of every key.
     *
     * @return the name
     */
    public String name() {
      return plan.name();
    }

    /**
     * The type values are cached and decoded as: the method's generic return type.
     *
     * @return the type
     */
    public Type valueType() {
      return plan.returnType();
    }

    /**
     * The key of the value for these arguments, from the {@link dev.layercache.annotation.Key}
     * parameters (all parameters when none is marked).
     *
     * @param args the call's arguments
     * @return the key
     * @throws InvalidCacheKeyException if an argument cannot be part of a key
     */
    public CacheKey key(@Nullable Object[] args) {
      return plan.key(args);
    }

    /**
     * The policy for these arguments: the TTLs and the tag templates resolved with the arguments.
     *
     * @param args the call's arguments
     * @return the policy
     */
    public CachePolicy policy(@Nullable Object[] args) {
      return plan.policy(args);
    }
  }

  /**
   * An {@link dev.layercache.annotation.Evict} and/or {@link
   * dev.layercache.annotation.InvalidateTags} method: after a successful call, {@link
   * LayerCache#evict} each of {@code evictedKeys(args)} and {@link LayerCache#invalidateTags} the
   * {@code tags(args)} and {@code resultTags(result)}.
   */
  public static final class Write extends CachingPlan {
    private Write(Method method, MethodPlan plan) {
      super(method, plan);
    }

    /**
     * The keys the {@code @Evict} annotations name for these arguments.
     *
     * @param args the call's arguments
     * @return the keys, possibly none
     * @throws InvalidCacheKeyException if an argument cannot be part of a key
     */
    public List<CacheKey> evictedKeys(@Nullable Object[] args) {
      return List.copyOf(plan.evictedKeys(args));
    }

    /**
     * The tags the {@code @InvalidateTags} templates name for these arguments, known before the
     * call.
     *
     * @param args the call's arguments
     * @return the tags, possibly none
     */
    public List<String> tags(@Nullable Object[] args) {
      return List.copyOf(plan.invalidatedTags(args));
    }

    /**
     * Whether the result names further tags ({@code @InvalidateTags(fromResult = true)}), known
     * only after the call.
     *
     * @return true if {@link #resultTags} may return tags
     */
    public boolean tagsFromResult() {
      return plan.tagsFromResult();
    }

    /**
     * The tags the method's result names, with {@code fromResult = true}.
     *
     * @param result what the method returned
     * @return the tags; none for a null result or without {@code fromResult}
     */
    public List<String> resultTags(@Nullable Object result) {
      return new ArrayList<>(plan.resultTags(result));
    }
  }
}
