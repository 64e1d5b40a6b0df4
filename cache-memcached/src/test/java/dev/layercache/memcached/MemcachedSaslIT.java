package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheBackendException;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL against a real {@code memcached -S} with a private SASL database made by {@code
 * saslpasswd2}. With the right credentials entries are stored, shared between application servers
 * and invalidated by tag. With a wrong password, or none, nothing stored by an authenticated server
 * is served and nothing is stored; callers still get their loader's value, each call within a few
 * operation timeouts; with a wrong password the backend's errors name the failed authentication.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemcachedSaslIT {
  private static final String USER = "layercache";
  private static final String PASSWORD = "s3cret";
  private static final Duration OPERATION_TIMEOUT = Duration.ofMillis(300);
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(1);

  /**
   * A cache call makes at most a few backend calls, each bounded by the operation timeout: about a
   * second in all. The bound is far above that, so a busy machine never crosses it, and far below
   * the wait without end it guards against (an operation waiting for an authentication that never
   * succeeds).
   */
  private static final Duration CALL_BOUND = Duration.ofSeconds(15);

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  @TempDir Path dir;
  private ServerProcess memcached;
  private int port;
  private final List<LayerCache> caches = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    requireInstalled("memcached", "memcached");
    requireInstalled("saslpasswd2", "sasl2-bin");
    if (!saslPlainPlugin()) {
      throw new IllegalStateException(
          "the SASL PLAIN plugin (libplain.so) is needed: apt-get install libsasl2-modules");
    }
    Path db = dir.resolve("sasldb2");
    Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + db + "\n");
    // Without -u, saslpasswd2 files the user under the host name as realm, which is the realm
    // memcached looks a PLAIN user up in when the client names none.
    Process passwd =
        new ProcessBuilder(saslpasswd2(), "-a", "memcached", "-c", "-p", "-f", db.toString(), USER)
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = passwd.getOutputStream()) {
      in.write(PASSWORD.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(passwd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!passwd.waitFor(20, TimeUnit.SECONDS) || passwd.exitValue() != 0) {
      throw new IllegalStateException("saslpasswd2 failed: " + out);
    }
    // memcached reads its SASL configuration (memcached.conf) from this directory.
    memcached = TestServers.startMemcached(Map.of("SASL_CONF_PATH", dir.toString()), "-S");
    port = memcached.port();
  }

  @AfterEach
  void stop() throws InterruptedException {
    caches.forEach(LayerCache::close);
    if (memcached != null) {
      memcached.close();
    }
  }

  private static void requireInstalled(String binary, String debianPackage) {
    if (!TestServers.onPath(binary) && !new File("/usr/sbin/" + binary).canExecute()) {
      throw new IllegalStateException(
          binary + " is needed: apt-get install " + debianPackage + " (CI never skips this test)");
    }
  }

  private static boolean saslPlainPlugin() {
    for (String lib : List.of("/usr/lib", "/usr/lib64", "/usr/local/lib")) {
      File[] dirs = new File(lib).listFiles();
      if (new File(lib, "sasl2/libplain.so").exists()) {
        return true;
      }
      for (File d : dirs == null ? new File[0] : dirs) {
        if (new File(d, "sasl2/libplain.so").exists()) {
          return true;
        }
      }
    }
    return false;
  }

  private static String saslpasswd2() {
    return TestServers.onPath("saslpasswd2") ? "saslpasswd2" : "/usr/sbin/saslpasswd2";
  }

  /** A server that is not authenticated: its calls end with their short operation timeouts. */
  private LayerCache cache(MemcachedBackend.Builder backend) {
    return cache(backend, OPERATION_TIMEOUT);
  }

  private LayerCache cache(MemcachedBackend.Builder backend, Duration operationTimeout) {
    LayerCache c =
        LayerCache.builder()
            .namespace("sasl")
            .backend(
                backend
                    .servers("127.0.0.1:" + port)
                    .operationTimeout(operationTimeout)
                    .connectWait(CONNECT_WAIT)
                    .build())
            .slowCallThreshold(MemcachedTestSupport.PATIENCE)
            .build();
    caches.add(c);
    return c;
  }

  private LayerCache authenticated() {
    // Its calls succeed: a timeout would turn a hit into a miss on a busy machine.
    return cache(
        MemcachedBackend.builder().credentials(USER, PASSWORD), MemcachedTestSupport.PATIENCE);
  }

  @Test
  void rightCredentials_storeShareAndInvalidate() {
    LayerCache cache = authenticated();
    LayerCache other = authenticated();
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "loaded again")).isEqualTo("v1");
    assertThat(other.get(key, String.class)).as("stored in memcached").isEqualTo("v1");
    other.invalidateTags("articles");
    assertThat(cache.get(key, String.class)).as("invalidated by the other server").isNull();
    assertThat(cache.get(key, String.class, POLICY, () -> "v2")).isEqualTo("v2");
    assertThat(other.get(key, String.class)).isEqualTo("v2");
  }

  @Test
  void wrongPassword_servesAndStoresNothing_callerGetsItsValueInTime_errorNamesAuthentication() {
    LayerCache trusted = authenticated();
    CacheKey key = CacheKey.of("article", 2);
    trusted.put(key, "cached by an authenticated server", POLICY);

    LayerCache cache =
        timed("build", () -> cache(MemcachedBackend.builder().credentials(USER, "wrong")));
    assertFailsOpen(cache, key);
    assertThat(trusted.get(key, String.class))
        .as("nothing overwritten")
        .isEqualTo("cached by an authenticated server");
    assertThatThrownBy(
            () -> cache.backend().read(key.entryKey("sasl"), key.keyTagKey("sasl"), List.of()))
        .isInstanceOf(CacheBackendException.class)
        .hasMessageContaining("SASL authentication has not succeeded on 127.0.0.1:" + port);
  }

  @Test
  void noCredentials_servesAndStoresNothing_callerGetsItsValueInTime() {
    LayerCache trusted = authenticated();
    CacheKey key = CacheKey.of("article", 3);
    trusted.put(key, "cached by an authenticated server", POLICY);

    LayerCache cache = timed("build", () -> cache(MemcachedBackend.builder()));
    assertFailsOpen(cache, key);
    assertThat(trusted.get(key, String.class))
        .as("nothing overwritten")
        .isEqualTo("cached by an authenticated server");
  }

  /** Every read falls through to the loader, without ever serving the authenticated entry. */
  private static void assertFailsOpen(LayerCache cache, CacheKey key) {
    for (int i = 0; i < 3; i++) {
      assertThat(
              timed(
                  "read-through get",
                  () -> cache.get(key, String.class, POLICY, () -> "from the database")))
          .isEqualTo("from the database");
      assertThat(timed("get", () -> cache.get(key, String.class))).isNull();
    }
  }

  private static <T> T timed(String call, Supplier<T> body) {
    long t0 = System.nanoTime();
    T result = body.get();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    Duration bound = call.equals("build") ? CONNECT_WAIT.plus(CALL_BOUND) : CALL_BOUND;
    assertThat(took).as("%s bounded by the configured timeouts", call).isLessThan(bound);
    return result;
  }
}
