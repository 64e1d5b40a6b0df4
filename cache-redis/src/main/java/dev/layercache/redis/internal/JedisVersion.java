package dev.layercache.redis.internal;

import dev.layercache.CacheConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Connection;

/**
 * The Jedis version on the class path, checked when a backend or bus is built: a version outside
 * the supported range fails there, with both versions named, instead of with a {@code
 * NoSuchMethodError} at the first request.
 */
public final class JedisVersion {
  /** The oldest supported Jedis: the version Spring Boot 3.5 manages. */
  public static final String OLDEST = "6.0.0";

  /** The first major version not supported. */
  static final int FIRST_UNSUPPORTED_MAJOR = 9;

  private static final String SUPPORTED = OLDEST + " to " + (FIRST_UNSUPPORTED_MAJOR - 1) + ".x";

  private static volatile @Nullable String checked;

  private JedisVersion() {}

  /**
   * Checks the Jedis on the class path.
   *
   * @return its version, or "unknown" if the jar does not say (a repackaged Jedis, which is
   *     accepted)
   * @throws CacheConfigurationException if it is older than {@link #OLDEST} or of a major version
   *     not yet supported
   */
  public static String check() {
    String known = checked;
    if (known != null) {
      return known;
    }
    String version = present();
    if (version == null) {
      checked = "unknown";
      return "unknown";
    }
    check(version);
    checked = version;
    return version;
  }

  /**
   * Checks a version string.
   *
   * @param version a Jedis version such as {@code 7.0.0} or {@code 8.1.0-beta1}
   * @throws CacheConfigurationException if it is outside the supported range
   */
  static void check(String version) {
    int[] v = parse(version);
    int[] oldest = parse(OLDEST);
    boolean tooOld =
        v[0] < oldest[0]
            || (v[0] == oldest[0] && (v[1] < oldest[1] || (v[1] == oldest[1] && v[2] < oldest[2])));
    if (tooOld || v[0] >= FIRST_UNSUPPORTED_MAJOR) {
      throw new CacheConfigurationException(
          "Jedis "
              + version
              + " is on the class path, but the LayerCache Redis backend supports Jedis "
              + SUPPORTED
              + "; depend on a Jedis in that range (for example the one Spring Boot manages)");
    }
  }

  private static int[] parse(String version) {
    String[] parts = version.split("[.-]");
    int[] v = new int[3];
    for (int i = 0; i < 3 && i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new CacheConfigurationException(
            "cannot read the Jedis version '" + version + "'; the backend supports " + SUPPORTED);
      }
    }
    return v;
  }

  private static @Nullable String present() {
    try (InputStream in = Connection.class.getResourceAsStream("pom.properties")) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      return null;
    }
  }
}
