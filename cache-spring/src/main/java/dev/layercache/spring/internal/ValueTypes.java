package dev.layercache.spring.internal;

import dev.layercache.CacheConfigurationException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;

/**
 * The type a Spring-cached method's values are stored and decoded as: its generic return type,
 * resolved against the bean's class, without the {@code Optional} or {@code CompletableFuture}
 * Spring unwraps. Taken from the code, never from cached bytes.
 */
final class ValueTypes {
  private ValueTypes() {}

  /**
   * The value type of a cached method.
   *
   * @param method the method
   * @param targetClass the bean's class, to resolve type variables
   * @return the type, or null for {@code void} and reactive types, which are not supported
   * @throws CacheConfigurationException if the type has variables the class does not resolve
   */
  static @Nullable Type of(Method method, Class<?> targetClass) {
    Class<?> raw = method.getReturnType();
    if (raw == void.class || raw == Void.class) {
      return null;
    }
    if (raw != CompletableFuture.class
        && ReactiveAdapterRegistry.getSharedInstance().getAdapter(raw) != null) {
      return null;
    }
    ResolvableType rt = ResolvableType.forMethodReturnType(method, targetClass);
    if (raw == Optional.class || raw == CompletableFuture.class) {
      rt = rt.getGeneric(0);
    }
    try {
      return toType(rt);
    } catch (IllegalArgumentException e) {
      throw new CacheConfigurationException(
          method.getDeclaringClass().getSimpleName()
              + "."
              + method.getName()
              + " returns "
              + method.getGenericReturnType().getTypeName()
              + ", which "
              + targetClass.getSimpleName()
              + " does not resolve to a concrete type; declare one",
          e);
    }
  }

  private static Type toType(ResolvableType rt) {
    Class<?> raw = rt.resolve();
    if (raw == null) {
      throw new IllegalArgumentException("unresolvable " + rt);
    }
    if (!rt.hasGenerics() || rt.isArray()) {
      return raw;
    }
    ResolvableType[] generics = rt.getGenerics();
    Type[] args = new Type[generics.length];
    for (int i = 0; i < generics.length; i++) {
      args[i] = toType(generics[i]); // a wildcard resolves to its upper bound
    }
    return new Parameterized(raw, args);
  }

  /** A resolved parameterized type, equal to the JDK's for the same raw type and arguments. */
  static final class Parameterized implements ParameterizedType {
    private final Class<?> raw;
    private final Type[] args;

    Parameterized(Class<?> raw, Type[] args) {
      this.raw = raw;
      this.args = args.clone();
    }

    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public @Nullable Type getOwnerType() {
      return raw.getDeclaringClass();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (!(o instanceof ParameterizedType)) {
        return false;
      }
      ParameterizedType p = (ParameterizedType) o;
      return raw.equals(p.getRawType())
          && Objects.equals(getOwnerType(), p.getOwnerType())
          && Arrays.equals(args, p.getActualTypeArguments());
    }

    @Override
    public int hashCode() {
      // The JDK's formula, so that both kinds mix in sets.
      return Arrays.hashCode(args) ^ Objects.hashCode(getOwnerType()) ^ raw.hashCode();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(raw.getName()).append('<');
      for (int i = 0; i < args.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(args[i].getTypeName());
      }
      return sb.append('>').toString();
    }
  }
}
