package dev.layercache;

import org.jspecify.annotations.Nullable;

/**
 * Computes a value on a cache miss, typically by asking the database. Like {@link
 * java.util.concurrent.Callable} it may throw checked exceptions; the exception type is inferred
 * from the lambda, so {@code cache.get(key, T.class, policy, () -> dao.find(id))} declares exactly
 * what {@code dao.find} declares. A loader's exception reaches the caller unchanged and nothing is
 * cached.
 *
 * @param <T> the value type
 * @param <E> the exception the loader may throw
 */
@FunctionalInterface
public interface Loader<T, E extends Exception> {
  /**
   * Loads the value.
   *
   * @return the value; null is cached only if the policy allows it
   * @throws E if loading fails
   */
  @Nullable T load() throws E;
}
