package dev.layercache.spring.internal;

import dev.layercache.CacheConfigurationException;
import dev.layercache.CacheKey;
import dev.layercache.InvalidCacheKeyException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * Turns the keys of Spring's key generation into {@link CacheKey}s, deterministically across
 * processes: a {@link SimpleKey} becomes one part per parameter (nulls included), any other key one
 * part. The parts are those {@link CacheKey} supports (strings, numbers, booleans, UUIDs, enums,
 * {@code java.time} values, {@code byte[]}, collections of these); anything else fails with a
 * message naming its type, never its value, so that a key is never derived from {@code hashCode} or
 * {@code toString}. Spring caches have key names of their own ({@code spring.<name>}), so that a
 * Spring cache's {@code clear()}, one invalidation of the tag all its entries carry, reaches every
 * entry that cache can return: entries of {@code @Cached(name = "users")} are never read through
 * {@code @Cacheable("users")}, nor the other way round.
 */
public final class SpringKeys {
  private static final @Nullable Field PARAMS = paramsField();

  // Spring caches' own key names: never those of @Cached, whose entries lack the clear tag.
  private static final String PREFIX = "spring.";

  private SpringKeys() {}

  private static @Nullable Field paramsField() {
    try {
      Field f = SimpleKey.class.getDeclaredField("params");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The key of a Spring cache entry.
   *
   * @param keyName the {@link CacheKey} name of the Spring cache ({@link #keyName(String)})
   * @param key the key Spring's key generation produced
   * @return the key
   * @throws InvalidCacheKeyException if a part has a type keys cannot hold
   */
  public static CacheKey toCacheKey(String keyName, Object key) {
    if (key instanceof CacheKey) {
      CacheKey k = (CacheKey) key;
      if (!k.name().equals(keyName)) {
        throw new InvalidCacheKeyException(
            "key '" + k + "' belongs to '" + k.name() + "', not to '" + keyName + "'");
      }
      return k;
    }
    CacheKey.Builder b = CacheKey.builder(keyName);
    if (key instanceof SimpleKey) {
      for (Object part : params((SimpleKey) key)) {
        add(b, keyName, part);
      }
    } else {
      add(b, keyName, key);
    }
    return b.build();
  }

  private static void add(CacheKey.Builder b, String keyName, @Nullable Object part) {
    if (part == null) {
      b.addNull();
      return;
    }
    try {
      b.add(part);
    } catch (InvalidCacheKeyException e) {
      throw new InvalidCacheKeyException(
          "Spring cache '"
              + keyName
              + "' got a key part of type "
              + part.getClass().getName()
              + ", which a cache key cannot hold (strings, numbers, booleans, UUIDs, enums,"
              + " java.time values, byte[] and collections of these); name the key with"
              + " @Cacheable(key = \"#user.id\") or a KeyGenerator");
    }
  }

  private static @Nullable Object[] params(SimpleKey key) {
    Field f = PARAMS;
    if (f == null) {
      throw new CacheConfigurationException(
          "cannot read the parameters of Spring's SimpleKey on this Spring version; use a"
              + " KeyGenerator whose keys are strings, numbers or lists of them");
    }
    try {
      return (Object[]) f.get(key);
    } catch (IllegalAccessException e) {
      throw new CacheConfigurationException("cannot read the parameters of a SimpleKey", e);
    }
  }

  /**
   * The {@link CacheKey} name of a Spring cache: {@code spring.} and the name itself when that is a
   * valid key name (1 to 64 of {@code [A-Za-z0-9_.-]}), otherwise {@code spring.}, the valid
   * characters (others replaced by {@code _}, cut to 40) and {@code -} with 16 hex digits of the
   * name's SHA-256, so distinct names stay distinct.
   *
   * @param springName the Spring cache name
   * @return the key name, used in metrics and logs too
   */
  public static String keyName(String springName) {
    if (springName.isEmpty()) {
      throw new CacheConfigurationException("a Spring cache name is empty");
    }
    boolean valid = PREFIX.length() + springName.length() <= 64;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < springName.length(); i++) {
      char c = springName.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      valid &= ok;
      if (sb.length() < 40) {
        sb.append(ok ? c : '_');
      }
    }
    if (valid) {
      return PREFIX + springName;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(springName.getBytes(StandardCharsets.UTF_8));
      return PREFIX + sb + "-" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
