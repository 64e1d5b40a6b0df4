package dev.layercache.internal;

import dev.layercache.CacheConfigurationException;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.CacheSerializationException;
import dev.layercache.InvalidCacheKeyException;
import dev.layercache.LayerCache;
import dev.layercache.annotation.Cached;
import dev.layercache.annotation.ChangedTags;
import dev.layercache.annotation.DurationFormat;
import dev.layercache.annotation.Evict;
import dev.layercache.annotation.InvalidateTags;
import dev.layercache.annotation.Key;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.matcher.ElementMatchers;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Builds object-caching proxies: a plan per annotated method, checked when the proxy is created,
 * and one invocation handler shared by JDK proxies (interfaces) and ByteBuddy subclasses (classes).
 */
public final class ObjectCachingProxies {
  private static final Pattern TEMPLATE = Pattern.compile("\\{([^{}]+)}");
  private static final String HANDLER_FIELD = "layerCacheHandler";
  private static final AtomicLong PROXY_CLASS_NUMBERS = new AtomicLong();

  /**
   * One generated subclass per proxied class, whatever the number of proxies: each instance keeps
   * its own handler in a field. The name is unique, so two threads racing to generate the first one
   * define two classes (one is kept) instead of failing on a duplicate definition.
   */
  private static final ClassValue<Class<?>> PROXY_CLASSES =
      new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
          return generateSubclass(type);
        }
      };

  private ObjectCachingProxies() {}

  /**
   * Creates a proxy.
   *
   * @param type the interface or class to proxy
   * @param target the instance calls are forwarded to
   * @param cache the cache
   * @param <T> the type
   * @return the proxy
   */
  public static <T> T create(Class<T> type, T target, LayerCache cache) {
    if (type == null || target == null || cache == null) {
      throw new CacheConfigurationException("type, target and cache are required");
    }
    if (!type.isInstance(target)) {
      throw new CacheConfigurationException(
          target.getClass().getName() + " is not a " + type.getName());
    }
    Map<Method, MethodPlan> plans = plan(type, cache);
    Handler handler = new Handler(target, cache, plans);
    if (type.isInterface()) {
      Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
      return type.cast(proxy);
    }
    return type.cast(subclassProxy(type, handler));
  }

  // ---------------------------------------------------------------- plans

  private static Map<Method, MethodPlan> plan(Class<?> type, LayerCache cache) {
    Map<Method, MethodPlan> plans = new HashMap<>();
    List<String> finalMethods = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (Modifier.isFinal(m.getModifiers()) && m.getDeclaringClass() != Object.class) {
        if (isAnnotated(m)) {
          throw misuse(m, "is final, so a proxy cannot intercept it");
        }
        finalMethods.add(m.getName());
      }
      MethodPlan plan = planMethod(m, cache);
      if (plan != null) {
        plans.put(m, plan);
      }
    }
    if (!type.isInterface() && !finalMethods.isEmpty()) {
      LoggerFactory.getLogger(ObjectCachingProxies.class)
          .warn(
              "{} has final methods {}; the caching proxy cannot forward them to the target, so"
                  + " they run on the proxy's own, uninitialised state. Make them non-final or"
                  + " proxy an interface.",
              type.getName(),
              finalMethods);
    }
    return plans;
  }

  private static boolean isAnnotated(Method m) {
    return m.isAnnotationPresent(Cached.class)
        || m.getAnnotationsByType(Evict.class).length > 0
        || m.isAnnotationPresent(InvalidateTags.class);
  }

  /**
   * Reads the caching annotations of one method, checking them as a proxy's creation does.
   *
   * @param m the method carrying the annotations
   * @param cache the cache its values go to (its codec checks the return type)
   * @return the plan, or null if the method has no caching annotation
   * @throws CacheConfigurationException if an annotation is misused, naming the method
   */
  public static @Nullable MethodPlan planMethod(Method m, LayerCache cache) {
    Cached cached = m.getAnnotation(Cached.class);
    Evict[] evicts = m.getAnnotationsByType(Evict.class);
    InvalidateTags invalidates = m.getAnnotation(InvalidateTags.class);
    if (cached == null && evicts.length == 0 && invalidates == null) {
      return null;
    }
    if (Modifier.isStatic(m.getModifiers())) {
      throw misuse(m, "is static");
    }
    if (cached != null && (evicts.length > 0 || invalidates != null)) {
      throw misuse(m, "is both @Cached and evicting; split reading from writing");
    }
    return cached != null ? cachedPlan(m, cached, cache) : evictPlan(m, evicts, invalidates);
  }

  private static MethodPlan cachedPlan(Method m, Cached cached, LayerCache cache) {
    if (m.getReturnType() == void.class) {
      throw misuse(m, "is @Cached but returns void: there is nothing to cache");
    }
    Type returnType = m.getGenericReturnType();
    if (returnType instanceof TypeVariable<?>) {
      throw misuse(m, "returns the type variable " + returnType + "; declare a concrete type");
    }
    try {
      KeyEncoding.validateName("@Cached name", cached.name());
    } catch (InvalidCacheKeyException e) {
      throw misuse(m, e.getMessage());
    }
    int[] keyParams = keyParameters(m);
    CachePolicy.Builder policy = CachePolicy.builder().cacheNulls(cached.cacheNulls());
    Duration ttl = duration(m, "ttl", cached.ttl());
    if (ttl != null) {
      policy.ttl(ttl);
    }
    Duration soft = duration(m, "softTtl", cached.softTtl());
    try {
      policy.softTtl(soft).build();
    } catch (CacheConfigurationException e) {
      throw misuse(m, e.getMessage());
    }
    TagTemplate[] tags = templates(m, cached.tags());
    if (cache instanceof CacheEngine) {
      try {
        ((CacheEngine) cache).codec().checkType(returnType);
      } catch (CacheSerializationException e) {
        throw misuse(m, "returns a type that cannot be cached: " + e.getMessage());
      }
    }
    CachePolicy base = policy.softTtl(soft).build();
    return new MethodPlan(
        MethodPlan.Kind.CACHED,
        cached.name(),
        keyParams,
        returnType,
        base,
        tags,
        new String[0],
        new TagTemplate[0],
        false);
  }

  private static MethodPlan evictPlan(
      Method m, Evict[] evicts, @Nullable InvalidateTags invalidates) {
    String[] names = new String[evicts.length];
    for (int i = 0; i < evicts.length; i++) {
      try {
        names[i] = KeyEncoding.validateName("@Evict name", evicts[i].name());
      } catch (InvalidCacheKeyException e) {
        throw misuse(m, e.getMessage());
      }
    }
    int[] keyParams = evicts.length > 0 ? keyParameters(m) : new int[0];
    TagTemplate[] tags =
        invalidates == null ? new TagTemplate[0] : templates(m, invalidates.value());
    boolean fromResult = invalidates != null && invalidates.fromResult();
    if (invalidates != null && tags.length == 0 && !fromResult) {
      throw misuse(m, "is @InvalidateTags with no tag templates and without fromResult");
    }
    if (fromResult && !ChangedTags.class.isAssignableFrom(m.getReturnType())) {
      throw misuse(
          m,
          "is @InvalidateTags(fromResult = true) but returns "
              + m.getReturnType().getSimpleName()
              + ", not a "
              + ChangedTags.class.getName());
    }
    return new MethodPlan(
        MethodPlan.Kind.EVICT,
        "",
        keyParams,
        m.getGenericReturnType(),
        CachePolicy.DEFAULT,
        new TagTemplate[0],
        names,
        tags,
        fromResult);
  }

  private static int[] keyParameters(Method m) {
    Parameter[] params = m.getParameters();
    List<Integer> marked = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      if (params[i].isAnnotationPresent(Key.class)) {
        marked.add(i);
      }
    }
    if (marked.isEmpty()) {
      for (int i = 0; i < params.length; i++) {
        marked.add(i);
      }
    }
    int[] keys = new int[marked.size()];
    for (int i = 0; i < keys.length; i++) {
      int p = marked.get(i);
      keys[i] = p;
      if (!supportedKeyType(params[p].getType())) {
        throw misuse(
            m,
            "parameter "
                + p
                + " ("
                + params[p].getType().getSimpleName()
                + ") cannot be part of a cache key; mark the key parameters with @Key, or use"
                + " strings, numbers, booleans, UUIDs, enums, java.time values or byte[]");
      }
    }
    return keys;
  }

  private static boolean supportedKeyType(Class<?> t) {
    return t.isPrimitive()
        || CharSequence.class.isAssignableFrom(t)
        || Number.class.isAssignableFrom(t)
            && (t.getName().startsWith("java.lang.")
                || t == BigDecimal.class
                || t == BigInteger.class)
        || t == Boolean.class
        || t == Character.class
        || t == UUID.class
        || t.isEnum()
        || t == byte[].class
        || Collection.class.isAssignableFrom(t)
        || TemporalAccessor.class.isAssignableFrom(t) && t.getName().startsWith("java.time.");
  }

  private static @Nullable Duration duration(Method m, String attribute, String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return DurationFormat.parse(text);
    } catch (CacheConfigurationException e) {
      throw misuse(m, attribute + " " + e.getMessage());
    }
  }

  private static TagTemplate[] templates(Method m, String[] texts) {
    Parameter[] params = m.getParameters();
    TagTemplate[] out = new TagTemplate[texts.length];
    for (int i = 0; i < texts.length; i++) {
      String text = texts[i];
      List<String> literals = new ArrayList<>();
      List<Integer> refs = new ArrayList<>();
      Matcher matcher = TEMPLATE.matcher(text);
      int last = 0;
      while (matcher.find()) {
        literals.add(text.substring(last, matcher.start()));
        refs.add(parameterIndex(m, params, matcher.group(1), text));
        last = matcher.end();
      }
      literals.add(text.substring(last));
      if (refs.isEmpty()) {
        try {
          KeyEncoding.validateTag(text);
        } catch (InvalidCacheKeyException e) {
          throw misuse(m, e.getMessage());
        }
      }
      out[i] =
          new TagTemplate(
              literals.toArray(new String[0]), refs.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  private static int parameterIndex(Method m, Parameter[] params, String ref, String template) {
    if (ref.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(ref);
      if (index >= params.length) {
        throw misuse(
            m, "tag '" + template + "' refers to parameter " + index + " of " + params.length);
      }
      return index;
    }
    for (int i = 0; i < params.length; i++) {
      if (params[i].isNamePresent() && params[i].getName().equals(ref)) {
        return i;
      }
    }
    throw misuse(
        m,
        "tag '"
            + template
            + "' refers to parameter '"
            + ref
            + "', which does not exist (parameter names need javac -parameters; {0}, {1}... always"
            + " work)");
  }

  private static CacheConfigurationException misuse(Method m, @Nullable String problem) {
    return new CacheConfigurationException(
        m.getDeclaringClass().getSimpleName() + "." + m.getName() + " " + problem);
  }

  // ---------------------------------------------------------------- subclass proxies

  private static Object subclassProxy(Class<?> type, InvocationHandler handler) {
    if (Modifier.isFinal(type.getModifiers())) {
      throw new CacheConfigurationException(
          type.getName() + " is final: proxy an interface it implements, or make it non-final");
    }
    Class<?> proxyClass = PROXY_CLASSES.get(type);
    Object proxy = instantiateWithoutConstructor(proxyClass);
    try {
      Field field = proxyClass.getDeclaredField(HANDLER_FIELD);
      field.setAccessible(true);
      field.set(proxy, handler);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new CacheConfigurationException(
          "cannot set up the caching proxy of " + type.getName() + ": " + e, e);
    }
    return proxy;
  }

  private static Class<?> generateSubclass(Class<?> type) {
    ClassLoadingStrategy<ClassLoader> strategy;
    try {
      strategy =
          ClassInjector.UsingLookup.isAvailable()
              ? ClassLoadingStrategy.UsingLookup.of(
                  MethodHandles.privateLookupIn(type, MethodHandles.lookup()))
              : ClassLoadingStrategy.Default.WRAPPER;
    } catch (IllegalAccessException e) {
      // The package is not open to us (a named module): define the subclass in a new loader.
      strategy = ClassLoadingStrategy.Default.WRAPPER;
    }
    return new ByteBuddy()
        .subclass(type)
        .name(type.getName() + "$LayerCacheProxy" + PROXY_CLASS_NUMBERS.incrementAndGet())
        .defineField(HANDLER_FIELD, InvocationHandler.class, Visibility.PRIVATE)
        .method(
            ElementMatchers.not(ElementMatchers.isDeclaredBy(Object.class))
                .or(ElementMatchers.named("equals"))
                .or(ElementMatchers.named("hashCode"))
                .or(ElementMatchers.named("toString")))
        .intercept(InvocationHandlerAdapter.toField(HANDLER_FIELD))
        .make()
        .load(type.getClassLoader(), strategy)
        .getLoaded();
  }

  /**
   * Creates the proxy without running the target class's constructors: the proxy forwards every
   * call to the target, so its own fields are never used, and the target class needs no constructor
   * of any particular shape.
   */
  private static Object instantiateWithoutConstructor(Class<?> proxyClass) {
    try {
      // jdk.unsupported's ReflectionFactory, reached reflectively as serialization libraries do.
      Class<?> factoryClass = Class.forName("sun.reflect.ReflectionFactory");
      Object factory = factoryClass.getMethod("getReflectionFactory").invoke(null);
      Constructor<?> ctor =
          (Constructor<?>)
              factoryClass
                  .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                  .invoke(factory, proxyClass, Object.class.getDeclaredConstructor());
      return ctor.newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new CacheConfigurationException(
          "cannot instantiate a caching proxy of " + proxyClass.getSuperclass().getName(), e);
    }
  }

  // ---------------------------------------------------------------- runtime

  /** A parsed tag template: literals between parameter references. */
  static final class TagTemplate {
    final String[] literals;
    final int[] params;

    TagTemplate(String[] literals, int[] params) {
      this.literals = literals;
      this.params = params;
    }

    String resolve(@Nullable Object[] args) {
      if (params.length == 0) {
        return literals[0];
      }
      StringBuilder sb = new StringBuilder(literals[0]);
      for (int i = 0; i < params.length; i++) {
        sb.append(args[params[i]]).append(literals[i + 1]);
      }
      return sb.toString();
    }
  }

  /** What the proxy does for one method; shared with integrations through {@code CachingPlan}. */
  public static final class MethodPlan {
    /** Whether the method reads through the cache or invalidates. */
    public enum Kind {
      /** {@code @Cached}. */
      CACHED,
      /** {@code @Evict} and/or {@code @InvalidateTags}. */
      EVICT
    }

    final Kind kind;
    final String name;
    final int[] keyParams;
    final Type returnType;
    final CachePolicy basePolicy;
    final TagTemplate[] tags;
    final String[] evictNames;
    final TagTemplate[] invalidate;
    final boolean invalidateFromResult;

    MethodPlan(
        Kind kind,
        String name,
        int[] keyParams,
        Type returnType,
        CachePolicy basePolicy,
        TagTemplate[] tags,
        String[] evictNames,
        TagTemplate[] invalidate,
        boolean invalidateFromResult) {
      this.kind = kind;
      this.name = name;
      this.keyParams = keyParams;
      this.returnType = returnType;
      this.basePolicy = basePolicy;
      this.tags = tags;
      this.evictNames = evictNames;
      this.invalidate = invalidate;
      this.invalidateFromResult = invalidateFromResult;
    }

    /**
     * Whether the method reads or invalidates.
     *
     * @return the kind
     */
    public Kind kind() {
      return kind;
    }

    /**
     * The cache name of a {@code @Cached} method.
     *
     * @return the name; empty for an invalidating method
     */
    public String name() {
      return name;
    }

    /**
     * The method's generic return type.
     *
     * @return the type
     */
    public Type returnType() {
      return returnType;
    }

    /**
     * The key of a {@code @Cached} method's value for these arguments.
     *
     * @param args the call's arguments
     * @return the key
     */
    public CacheKey key(@Nullable Object[] args) {
      return key(name, args);
    }

    /**
     * The keys an invalidating method's {@code @Evict} annotations name for these arguments.
     *
     * @param args the call's arguments
     * @return the keys, possibly none
     */
    public List<CacheKey> evictedKeys(@Nullable Object[] args) {
      List<CacheKey> keys = new ArrayList<>(evictNames.length);
      for (String n : evictNames) {
        keys.add(key(n, args));
      }
      return keys;
    }

    /**
     * The tags an {@code @InvalidateTags} method's templates name for these arguments.
     *
     * @param args the call's arguments
     * @return the tags, possibly none
     */
    public List<String> invalidatedTags(@Nullable Object[] args) {
      List<String> tags = new ArrayList<>(invalidate.length);
      for (TagTemplate t : invalidate) {
        tags.add(t.resolve(args));
      }
      return tags;
    }

    /**
     * Whether the method's result names further tags ({@code fromResult = true}).
     *
     * @return true if {@link #resultTags} may return tags
     */
    public boolean tagsFromResult() {
      return invalidateFromResult;
    }

    /**
     * The tags the method's result names, with {@code @InvalidateTags(fromResult = true)}.
     *
     * @param result what the method returned
     * @return the tags, none for a null result or without {@code fromResult}
     */
    public Collection<String> resultTags(@Nullable Object result) {
      if (!invalidateFromResult || result == null) {
        return List.of();
      }
      return ((ChangedTags) result).changedTags();
    }

    CacheKey key(String cacheName, @Nullable Object[] args) {
      CacheKey.Builder b = CacheKey.builder(cacheName);
      for (int p : keyParams) {
        Object arg = args[p];
        if (arg == null) {
          b.addNull();
        } else {
          b.add(arg);
        }
      }
      return b.build();
    }

    /**
     * The policy of a {@code @Cached} method's value for these arguments: TTLs and resolved tags.
     *
     * @param args the call's arguments
     * @return the policy
     */
    public CachePolicy policy(@Nullable Object[] args) {
      if (tags.length == 0) {
        return basePolicy;
      }
      List<String> resolved = new ArrayList<>(tags.length);
      for (TagTemplate t : tags) {
        resolved.add(t.resolve(args));
      }
      return basePolicy.toBuilder().tags(resolved).build();
    }
  }

  /** Forwards every call to the target, caching and evicting as planned. */
  static final class Handler implements InvocationHandler {
    private static final Object[] NO_ARGS = new Object[0];

    private final Object target;
    private final LayerCache cache;
    private final Map<Method, MethodPlan> plans;

    Handler(Object target, LayerCache cache, Map<Method, MethodPlan> plans) {
      this.target = target;
      this.cache = cache;
      this.plans = plans;
    }

    @Override
    public @Nullable Object invoke(
        Object proxy, Method method, @Nullable Object @Nullable [] argsOrNull) throws Throwable {
      Object[] args = argsOrNull == null ? NO_ARGS : argsOrNull;
      MethodPlan plan = plans.get(method);
      if (plan == null) {
        if (method.getDeclaringClass() == Object.class) {
          return objectMethod(proxy, method, args);
        }
        return forward(method, args);
      }
      if (plan.kind == MethodPlan.Kind.CACHED) {
        CacheKey key = plan.key(args);
        return cache.get(
            key, plan.returnType, plan.policy(args), () -> forwardForLoader(method, args));
      }
      Object result = forward(method, args);
      // Only after the change succeeded: a failed write leaves the cache as it was.
      for (CacheKey key : plan.evictedKeys(args)) {
        cache.evict(key);
      }
      List<String> tags = plan.invalidatedTags(args);
      tags.addAll(plan.resultTags(result));
      if (!tags.isEmpty()) {
        cache.invalidateTags(tags);
      }
      return result;
    }

    private @Nullable Object objectMethod(Object proxy, Method method, Object[] args)
        throws Throwable {
      switch (method.getName()) {
        case "equals":
          Object other = args[0];
          return other == proxy || target.equals(other);
        case "hashCode":
          return target.hashCode();
        case "toString":
          return target.toString();
        default:
          return forward(method, args);
      }
    }

    private @Nullable Object forward(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } catch (IllegalAccessException e) {
        // A non-public interface or class: open the method once it is needed.
        method.setAccessible(true);
        try {
          return method.invoke(target, args);
        } catch (InvocationTargetException inner) {
          throw inner.getCause();
        }
      }
    }

    private @Nullable Object forwardForLoader(Method method, Object[] args) throws Exception {
      try {
        return forward(method, args);
      } catch (Exception e) {
        throw e;
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
