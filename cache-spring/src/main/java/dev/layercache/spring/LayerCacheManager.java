package dev.layercache.spring;

import dev.layercache.CacheConfigurationException;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spring.internal.CacheAdvisorScoping;
import dev.layercache.spring.internal.CacheableTypes;
import dev.layercache.spring.internal.NamedCache;
import dev.layercache.spring.internal.TransactionalInvalidation;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;

/**
 * A Spring {@link CacheManager} over a {@link LayerCache}, so that {@code @Cacheable} (with or
 * without {@code sync}, returning a value, an {@code Optional} or a {@code CompletableFuture}),
 * {@code @CachePut} and {@code @CacheEvict} run on LayerCache's invalidation protocol.
 *
 * <pre>{@code
 * @Bean LayerCacheManager cacheManager(LayerCache cache) {
 *   return LayerCacheManager.builder(cache)
 *       .defaultPolicy(CachePolicy.builder().ttl(Duration.ofMinutes(10)).build())
 *       .cache("users", CachePolicy.builder().ttl(Duration.ofMinutes(30)).tags("users").build())
 *       .build();
 * }
 * }</pre>
 *
 * Use it with {@code @EnableCaching} and {@link EnableLayerCache}, which it requires when Spring's
 * caching advisor is present. What differs from a map-based cache:
 *
 * <ul>
 *   <li><b>Types.</b> Values are decoded as the return types of the methods annotated for the cache
 *       ({@code Optional} and {@code CompletableFuture} unwrapped), an allow-list read from the
 *       beans as they are created; cached bytes never name a type. Caches used without annotations
 *       declare theirs with {@link Builder#valueType}.
 *   <li><b>Keys.</b> Spring's key (a {@code SimpleKey} of the parameters, one parameter, or the
 *       value of a {@code key} expression) becomes a {@link dev.layercache.CacheKey} of the same
 *       parts, named {@code spring.<cache name>}: a Spring cache never reads the entries of a
 *       {@code @Cached} method of the same name, so that its {@code clear()} reaches every entry it
 *       can return. Key parts must be strings, numbers, booleans, UUIDs, enums, {@code java.time}
 *       values, {@code byte[]} or collections of these.
 *   <li><b>Nulls.</b> With {@link Builder#allowNullValues(boolean) allowNullValues} (the default) a
 *       null result is cached and told from a miss.
 *   <li><b>Fills.</b> The put Spring makes after a {@code @Cacheable} method stores the value with
 *       the tag versions read by the lookup before the method, and with everything the method read
 *       through the same cache (cached SQL queries through a {@code CachingDataSource}, nested
 *       cached objects): a write during the method makes it stale at birth, and a write to a table
 *       it read invalidates it. {@code sync = true} is read-through, with single flight. For a
 *       method returning {@code CompletableFuture}, only what it reads before returning is
 *       recorded.
 *   <li><b>Transactions.</b> Inside a Spring transaction an eviction or clear locks its key or the
 *       whole cache at once (nothing is served or stored for them anywhere) and is applied after
 *       the commit; an explicit put ({@code @CachePut}) is stored after the commit; a fill is
 *       stored after the commit; a rollback only releases the locks. This includes what Spring's
 *       {@code TransactionAwareCacheDecorator} does: do not wrap these caches in it.
 *   <li><b>Clear</b> is one tag invalidation ({@code spring-cache:<name>}), whatever the number of
 *       entries. {@code evictIfPresent} and {@code invalidate} apply at once and again after the
 *       commit, and return false (presence is not known without a read).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class LayerCacheManager
    implements CacheManager, BeanFactoryAware, SmartInitializingSingleton {
  private final LayerCache cache;
  private final CachePolicy defaultPolicy;
  private final Map<String, CachePolicy> policies;
  private final boolean dynamic;
  private final CacheableTypes configuredTypes = new CacheableTypes();
  private final TransactionalInvalidation invalidation;
  private final boolean allowNullValues;
  private final ConcurrentMap<String, NamedCache> caches = new ConcurrentHashMap<>();
  private volatile @Nullable CacheableTypes scannedTypes;
  private volatile NamedCache.@Nullable Settings settings;
  private @Nullable ListableBeanFactory beanFactory;

  private LayerCacheManager(Builder b) {
    this.cache = b.cache;
    this.defaultPolicy = b.defaultPolicy;
    this.policies = Map.copyOf(b.policies);
    this.dynamic = b.dynamic;
    this.allowNullValues = b.allowNullValues;
    b.types.forEach(
        (name, types) -> types.forEach(t -> configuredTypes.add(name, t, "LayerCacheManager")));
    this.invalidation =
        new TransactionalInvalidation(
            cache,
            b.maxLockTime,
            b.transactionAware ? b.timing : TransactionalInvalidation.Timing.IMMEDIATE);
  }

  /**
   * Starts a manager over a cache.
   *
   * @param cache the cache every Spring cache of this manager stores in
   * @return a builder
   */
  public static Builder builder(LayerCache cache) {
    return new Builder(Objects.requireNonNull(cache, "cache"));
  }

  /**
   * Returns the cache of a name, creating it with the default policy if the manager is dynamic (the
   * default).
   *
   * @param name the Spring cache name
   * @return the cache, or null for a name the manager does not know and does not create
   */
  @Override
  public @Nullable Cache getCache(String name) {
    NamedCache c = caches.get(name);
    if (c != null) {
      return c;
    }
    if (!dynamic && !policies.containsKey(name)) {
      return null;
    }
    return caches.computeIfAbsent(
        name, n -> new NamedCache(n, policies.getOrDefault(n, defaultPolicy), settings()));
  }

  private NamedCache.Settings settings() {
    NamedCache.Settings s = settings;
    if (s == null) {
      List<@Nullable CacheableTypes> types = new ArrayList<>();
      types.add(configuredTypes);
      types.add(scannedTypes);
      s = new NamedCache.Settings(cache, allowNullValues, invalidation, types);
      settings = s;
    }
    return s;
  }

  /**
   * The names of the configured caches and of those created since.
   *
   * @return the names
   */
  @Override
  public Collection<String> getCacheNames() {
    Set<String> names = new LinkedHashSet<>(policies.keySet());
    names.addAll(caches.keySet());
    return List.copyOf(names);
  }

  /**
   * Connects the manager to the allow-list {@link EnableLayerCache} builds from the context's
   * beans.
   *
   * @param beanFactory the factory
   */
  @Override
  public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
    if (beanFactory instanceof ListableBeanFactory) {
      this.beanFactory = (ListableBeanFactory) beanFactory;
      this.scannedTypes = beanFactory.getBeanProvider(CacheableTypes.class).getIfAvailable();
      this.settings = null;
    }
  }

  /**
   * Checks that every caching advisor of the context is scoped by {@link EnableLayerCache}: without
   * it the put after a {@code @Cacheable} method would store its value as current, not with the
   * versions read before the method ran.
   *
   * @throws CacheConfigurationException if {@code @EnableCaching} is used without {@code
   *     EnableLayerCache}
   */
  @Override
  public void afterSingletonsInstantiated() {
    ListableBeanFactory bf = beanFactory;
    if (bf == null) {
      return;
    }
    for (BeanFactoryCacheOperationSourceAdvisor advisor :
        bf.getBeansOfType(BeanFactoryCacheOperationSourceAdvisor.class, false, false).values()) {
      if (!CacheAdvisorScoping.isScoped(advisor)) {
        throw new CacheConfigurationException(
            "LayerCacheManager serves Spring's caching advisor, which @EnableLayerCache has not"
                + " scoped: add @EnableLayerCache to a configuration class, so that values are"
                + " stored with the versions read before the cached method ran");
      }
    }
  }

  @Override
  public String toString() {
    return "LayerCacheManager[" + cache.namespace() + ", " + getCacheNames() + "]";
  }

  /** Builds a {@link LayerCacheManager}; each setter validates its argument at once. */
  public static final class Builder {
    private final LayerCache cache;
    private CachePolicy defaultPolicy = CachePolicy.DEFAULT;
    private final Map<String, CachePolicy> policies = new LinkedHashMap<>();
    private final Map<String, List<Type>> types = new LinkedHashMap<>();
    private boolean dynamic = true;
    private boolean allowNullValues = true;
    private boolean transactionAware = true;
    private Duration maxLockTime = LayerCacheAdvisor.DEFAULT_MAX_LOCK_TIME;
    private TransactionalInvalidation.Timing timing = TransactionalInvalidation.Timing.FULL;

    private Builder(LayerCache cache) {
      this.cache = cache;
    }

    /**
     * Sets the policy of caches without one of their own (TTL, jitter, soft TTL, tags).
     *
     * @param policy the policy; default {@link CachePolicy#DEFAULT}
     * @return this builder
     */
    public Builder defaultPolicy(CachePolicy policy) {
      this.defaultPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Declares a cache with its own policy.
     *
     * @param name the Spring cache name
     * @param policy its policy; its tags are added to every entry (name a table, {@code
     *     table:public.users}, to invalidate the cache on writes through a {@code
     *     CachingDataSource})
     * @return this builder
     * @throws CacheConfigurationException if the name is empty
     */
    public Builder cache(String name, CachePolicy policy) {
      this.policies.put(name(name), Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * Allows value types for a cache used without annotations (through the {@code Cache} API).
     *
     * @param name the Spring cache name
     * @param valueTypes {@code Class}es or generic types such as a method's return type
     * @return this builder
     */
    public Builder valueType(String name, Type... valueTypes) {
      this.types
          .computeIfAbsent(name(name), n -> new ArrayList<>())
          .addAll(Arrays.asList(valueTypes));
      return this;
    }

    /**
     * Sets whether caches are created for names not declared with {@link #cache}.
     *
     * @param dynamic default true
     * @return this builder
     */
    public Builder dynamic(boolean dynamic) {
      this.dynamic = dynamic;
      return this;
    }

    /**
     * Sets whether null values are cached and told from misses (Spring's {@code allowNullValues}).
     * Without, a put of null fails as in Spring's own caches.
     *
     * @param allow default true
     * @return this builder
     */
    public Builder allowNullValues(boolean allow) {
      this.allowNullValues = allow;
      return this;
    }

    /**
     * Sets whether evictions, clears and puts follow Spring transactions (locked at the call,
     * applied after the commit). Without, they are applied at once, which lets a value read before
     * a commit be cached after it.
     *
     * @param aware default true
     * @return this builder
     */
    public Builder transactionAware(boolean aware) {
      this.transactionAware = aware;
      return this;
    }

    /**
     * Sets how long the lock of an eviction inside a transaction holds at most.
     *
     * @param time at least 1 ms; default {@link LayerCacheAdvisor#DEFAULT_MAX_LOCK_TIME}
     * @return this builder
     * @throws CacheConfigurationException if shorter
     */
    public Builder maxLockTime(Duration time) {
      if (time == null || time.toMillis() < 1) {
        throw new CacheConfigurationException("maxLockTime must be at least 1 ms, was " + time);
      }
      this.maxLockTime = time;
      return this;
    }

    // Tests only: the unsafe timings show that the race tests can fail.
    Builder timing(TransactionalInvalidation.Timing timing) {
      this.timing = Objects.requireNonNull(timing, "timing");
      return this;
    }

    private static String name(String name) {
      if (name == null || name.isEmpty()) {
        throw new CacheConfigurationException("a cache name is required, was '" + name + "'");
      }
      return name;
    }

    /**
     * Returns the manager.
     *
     * @return a new manager
     */
    public LayerCacheManager build() {
      return new LayerCacheManager(this);
    }
  }
}
