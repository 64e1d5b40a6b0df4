package dev.layercache.sql.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.jspecify.annotations.Nullable;

/**
 * The pass-through half of a JDBC proxy: methods a subclass does not intercept go to the driver's
 * object unchanged, with the driver's exceptions. {@code unwrap} and {@code isWrapperFor} reach the
 * driver's objects (as HikariCP does); objects obtained that way bypass the cache and its
 * invalidation.
 */
abstract class DelegatingHandler implements InvocationHandler {
  final Object delegate;
  private @Nullable Object proxy;

  DelegatingHandler(Object delegate) {
    this.delegate = delegate;
  }

  /** Creates the proxy for this handler; called once. */
  @SuppressWarnings("unchecked")
  final <T> T proxy(Class<T> iface) {
    Object p =
        Proxy.newProxyInstance(
            DelegatingHandler.class.getClassLoader(), new Class<?>[] {iface}, this);
    proxy = p;
    return (T) p;
  }

  final Object self() {
    Object p = proxy;
    if (p == null) {
      throw new IllegalStateException("proxy not created");
    }
    return p;
  }

  /** Handles a call, or returns {@link #PASS} to delegate it. */
  abstract @Nullable Object intercept(String name, Method method, @Nullable Object[] args)
      throws Throwable;

  static final Object PASS = new Object();

  @Override
  public final @Nullable Object invoke(Object p, Method method, @Nullable Object[] args)
      throws Throwable {
    String name = method.getName();
    int n = args == null ? 0 : args.length;
    if (n == 1 && name.equals("equals") && method.getDeclaringClass() == Object.class) {
      return p == args[0];
    }
    if (n == 0 && name.equals("hashCode")) {
      return System.identityHashCode(p);
    }
    if (n == 0 && name.equals("toString")) {
      return "Caching[" + delegate + "]";
    }
    if (n == 1 && (name.equals("unwrap") || name.equals("isWrapperFor"))) {
      Class<?> iface = (Class<?>) args[0];
      if (name.equals("isWrapperFor")) {
        return iface.isInstance(delegate) || (Boolean) pass(method, args);
      }
      return iface.isInstance(delegate) ? delegate : pass(method, args);
    }
    Object r = intercept(name, method, args);
    return r == PASS ? pass(method, args) : r;
  }

  /** Delegates a JDBC call, which throws only SQLException or unchecked exceptions. */
  final @Nullable Object passSql(Method method, @Nullable Object[] args)
      throws java.sql.SQLException {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.sql.SQLException) {
        throw (java.sql.SQLException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new java.sql.SQLException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  final @Nullable Object pass(Method method, @Nullable Object[] args) throws Throwable {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
