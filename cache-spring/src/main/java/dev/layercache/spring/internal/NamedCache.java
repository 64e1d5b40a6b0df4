package dev.layercache.spring.internal;

import dev.layercache.CacheKey;
import dev.layercache.CacheLookup;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One Spring cache name over a {@link LayerCache}. Every entry is keyed by {@link SpringKeys},
 * decoded as a type of the allow-list ({@link CacheableTypes}), and tagged {@code
 * spring-cache:<name>}, so that {@link #clear()} is one tag invalidation. Spring's lookup before a
 * method is a {@link LayerCache#lookup}, and its put after the method fills that lookup's miss;
 * {@code get(key, Callable)} is read-through. Evictions, clears and explicit puts follow the
 * calling thread's transaction ({@link TransactionalInvalidation}).
 */
public final class NamedCache implements Cache {
  private static final Logger LOG = LoggerFactory.getLogger("dev.layercache.spring");

  /** Settings shared by the caches of one manager. */
  public static final class Settings {
    final LayerCache cache;
    final boolean allowNullValues;
    final TransactionalInvalidation invalidation;
    final List<@Nullable CacheableTypes> types;

    /**
     * Creates the settings.
     *
     * @param cache the cache
     * @param allowNullValues whether nulls are cached (and told from misses)
     * @param invalidation the timing of evictions and explicit puts
     * @param types the allow-lists, the configured one first
     */
    public Settings(
        LayerCache cache,
        boolean allowNullValues,
        TransactionalInvalidation invalidation,
        List<@Nullable CacheableTypes> types) {
      this.cache = cache;
      this.allowNullValues = allowNullValues;
      this.invalidation = invalidation;
      this.types = types;
    }
  }

  private final String name;
  private final String keyName;
  private final String clearTag;
  private final CachePolicy policy;
  private final Settings settings;
  private final LayerCache cache;

  /**
   * Creates the cache of one name.
   *
   * @param name the Spring cache name
   * @param policy its policy; the tag {@code spring-cache:<name>} is added, nulls follow {@code
   *     allowNullValues}
   * @param settings the manager's settings
   */
  public NamedCache(String name, CachePolicy policy, Settings settings) {
    this.name = name;
    this.keyName = SpringKeys.keyName(name);
    this.clearTag = "spring-cache:" + name;
    this.settings = settings;
    this.cache = settings.cache;
    this.policy = policy.toBuilder().tags(clearTag).cacheNulls(settings.allowNullValues).build();
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public Object getNativeCache() {
    return cache;
  }

  /**
   * The policy entries are stored with.
   *
   * @return the policy
   */
  public CachePolicy policy() {
    return policy;
  }

  private CacheKey key(Object key) {
    return SpringKeys.toCacheKey(keyName, key);
  }

  private String describe(String operation, @Nullable CacheKey key) {
    return LOG.isTraceEnabled() && key != null
        ? "spring cache '" + name + "' " + operation + " " + key
        : "spring cache '" + name + "' " + operation;
  }

  /** The value type of Spring's own calls in the current call, or the cache's only one. */
  private Type valueType(@Nullable CacheCall call) {
    Type type = call == null ? null : call.valueTypeFor(name);
    if (type != null) {
      // From the annotated method's signature: on the allow-list by construction.
      return type;
    }
    Map<Type, String> allowed = CacheableTypes.union(name, settings.types);
    if (allowed.size() == 1) {
      return allowed.keySet().iterator().next();
    }
    if (allowed.isEmpty()) {
      throw new IllegalStateException(
          "no @Cacheable or @CachePut method names Spring cache '"
              + name
              + "', so its value type is unknown; declare it with"
              + " LayerCacheManager.Builder.valueType(\""
              + name
              + "\", type) or use get(key, type)");
    }
    throw new IllegalStateException(
        "Spring cache '"
            + name
            + "' holds values of several types "
            + allowed
            + "; outside those methods, read it with get(key, type)");
  }

  private Type allowedType(Class<?> requested) {
    Map<Type, String> allowed = CacheableTypes.union(name, settings.types);
    Type match = null;
    for (Type t : allowed.keySet()) {
      if (t == requested) {
        return t;
      }
      Class<?> raw = rawClass(t);
      if (requested.isAssignableFrom(raw)) {
        if (match != null) {
          throw new IllegalStateException(
              "Spring cache '"
                  + name
                  + "' holds several types assignable to "
                  + requested.getName()
                  + ": "
                  + allowed.keySet());
        }
        match = t;
      }
    }
    if (match == null) {
      throw new IllegalStateException(
          requested.getName()
              + " is not a value type of Spring cache '"
              + name
              + "' (allowed: "
              + allowed.keySet()
              + ")");
    }
    return match;
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?>) {
      return (Class<?>) t;
    }
    if (t instanceof java.lang.reflect.ParameterizedType) {
      return (Class<?>) ((java.lang.reflect.ParameterizedType) t).getRawType();
    }
    return Object.class;
  }

  @Override
  public @Nullable ValueWrapper get(Object key) {
    CacheCall call = CacheCall.current();
    CacheKey k = key(key);
    CacheLookup<Object> found = cache.lookup(k, valueType(call), policy);
    if (found instanceof CacheLookup.Hit<?>) {
      return new SimpleValueWrapper(((CacheLookup.Hit<?>) found).value());
    }
    if (call != null) {
      call.missed(
          this, k, (CacheLookup.Miss<Object>) found, TransactionalInvalidation.inTransaction());
    }
    return null;
  }

  @Override
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    CacheKey k = key(key);
    Type t = type == null ? valueType(CacheCall.current()) : allowedType(type);
    CacheLookup<Object> found = cache.lookup(k, t, policy);
    if (!(found instanceof CacheLookup.Hit<?>)) {
      return null;
    }
    Object value = ((CacheLookup.Hit<?>) found).value();
    if (type != null && value != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "cached value of Spring cache '" + name + "' is not of required type " + type.getName());
    }
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return typed;
  }

  @Override
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    CacheKey k = key(key);
    Type type = valueType(CacheCall.current());
    if (TransactionalInvalidation.inTransaction()) {
      return getInTransaction(key, k, type, valueLoader);
    }
    T value;
    try {
      value = cache.get(k, type, policy, () -> load(valueLoader));
    } catch (LoaderFailure e) {
      throw new ValueRetrievalException(key, valueLoader, e.getCause());
    }
    if (value == null && !settings.allowNullValues) {
      throw nullRefused();
    }
    return value;
  }

  // A value computed inside a transaction may hold what the transaction wrote: served to it,
  // stored (with the versions read before it was computed) only once the transaction commits.
  private <T> @Nullable T getInTransaction(
      Object key, CacheKey k, Type type, Callable<T> valueLoader) {
    CacheLookup<Object> found = cache.lookup(k, type, policy);
    if (found instanceof CacheLookup.Hit<?>) {
      @SuppressWarnings("unchecked")
      T hit = (T) ((CacheLookup.Hit<?>) found).value();
      return hit;
    }
    CacheLookup.Miss<Object> miss = ((CacheLookup.Miss<Object>) found).recordDependencies();
    T value;
    try {
      value = load(valueLoader);
    } catch (LoaderFailure e) {
      throw new ValueRetrievalException(key, valueLoader, e.getCause());
    } finally {
      miss.endRecording();
    }
    if (value == null && !settings.allowNullValues) {
      throw nullRefused();
    }
    T stored = value;
    settings.invalidation.afterCommit(describe("fill", k), () -> miss.fill(stored));
    return value;
  }

  /** A loader's exception, told from the cache's own on the way out of read-through. */
  private static final class LoaderFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LoaderFailure(Throwable cause) {
      super(cause);
    }
  }

  private static <T> @Nullable T load(Callable<T> loader) throws LoaderFailure {
    try {
      return loader.call();
    } catch (Exception e) {
      throw new LoaderFailure(e);
    }
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    CacheCall call = CacheCall.current();
    CacheKey k = key(key);
    CacheLookup<Object> found = cache.lookup(k, valueType(call), policy);
    if (found instanceof CacheLookup.Hit<?>) {
      Object value = ((CacheLookup.Hit<?>) found).value();
      return CompletableFuture.completedFuture(
          value == null ? new SimpleValueWrapper(null) : value);
    }
    if (call != null) {
      call.missed(
          this, k, (CacheLookup.Miss<Object>) found, TransactionalInvalidation.inTransaction());
    }
    return null; // known at once: Spring calls the method
  }

  @Override
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    CacheKey k = key(key);
    CacheLookup<Object> found = cache.lookup(k, valueType(CacheCall.current()), policy);
    if (found instanceof CacheLookup.Hit<?>) {
      @SuppressWarnings("unchecked")
      T value = (T) ((CacheLookup.Hit<?>) found).value();
      return CompletableFuture.completedFuture(value);
    }
    CacheLookup.Miss<Object> miss = (CacheLookup.Miss<Object>) found;
    boolean inTransaction = TransactionalInvalidation.inTransaction();
    return valueLoader
        .get()
        .thenApply(
            value -> {
              if (inTransaction) {
                LOG.debug("{}: not stored: computed in a transaction", describe("retrieve", k));
              } else if (value != null || settings.allowNullValues) {
                miss.fill(value);
              }
              return value;
            });
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    if (value == null && !settings.allowNullValues) {
      throw nullRefused();
    }
    CacheKey k = key(key);
    CacheCall call = CacheCall.current();
    CacheCall.Claim claim = call == null ? null : call.claim(this, k);
    if (claim != null) {
      fill(k, claim, value);
      return;
    }
    settings.invalidation.put(describe("put", k), k, () -> cache.put(k, value, policy));
  }

  private void fill(CacheKey k, CacheCall.Claim claim, @Nullable Object value) {
    if (!claim.inTransaction) {
      claim.miss.fill(value);
    } else if (TransactionalInvalidation.inTransaction()) {
      settings.invalidation.afterCommit(describe("fill", k), () -> claim.miss.fill(value));
    } else {
      // Completed on another thread than the transaction's: its outcome is unknown here.
      LOG.debug("{}: not stored: computed in a transaction", describe("fill", k));
    }
  }

  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    if (value == null && !settings.allowNullValues) {
      throw nullRefused();
    }
    CacheKey k = key(key);
    CacheLookup<Object> found = cache.lookup(k, valueType(CacheCall.current()), policy);
    if (found instanceof CacheLookup.Hit<?>) {
      return new SimpleValueWrapper(((CacheLookup.Hit<?>) found).value());
    }
    fill(
        k,
        new CacheCall.Claim(
            (CacheLookup.Miss<Object>) found, TransactionalInvalidation.inTransaction()),
        value);
    return null;
  }

  @Override
  public void evict(Object key) {
    CacheKey k = key(key);
    settings.invalidation.invalidate(describe("evict", k), List.of(k), List.of(), false);
  }

  @Override
  public boolean evictIfPresent(Object key) {
    CacheKey k = key(key);
    settings.invalidation.invalidate(describe("evict", k), List.of(k), List.of(), true);
    return false; // whether an entry was there is not known without reading it
  }

  @Override
  public void clear() {
    settings.invalidation.invalidate(describe("clear", null), List.of(), List.of(clearTag), false);
  }

  @Override
  public boolean invalidate() {
    settings.invalidation.invalidate(describe("clear", null), List.of(), List.of(clearTag), true);
    return false;
  }

  private IllegalArgumentException nullRefused() {
    return new IllegalArgumentException(
        "Cache '" + name + "' is configured to not allow null values but null was provided");
  }

  @Override
  public String toString() {
    return "NamedCache[" + name + " as '" + keyName + "', " + policy + "]";
  }
}
