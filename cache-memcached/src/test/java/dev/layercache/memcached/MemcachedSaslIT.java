package dev.layercache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.TestServers;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL against a real {@code memcached -S} with a private SASL database made by {@code
 * saslpasswd2}: the right credentials work; a wrong password or none stores and serves nothing, and
 * callers still get their loader's value within the timeouts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemcachedSaslIT {
  private static final String USER = "layercache";
  private static final String PASSWORD = "s3cret";
  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  @TempDir Path dir;
  private Process memcached;
  private int port;
  private final List<LayerCache> caches = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    for (String binary : List.of("memcached", "saslpasswd2")) {
      if (!TestServers.onPath(binary) && !new File("/usr/sbin/" + binary).canExecute()) {
        throw new IllegalStateException(binary + " is needed: apt-get install memcached sasl2-bin");
      }
    }
    Path db = dir.resolve("sasldb2");
    Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + db + "\n");
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
    port = TestServers.freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of("memcached", "-S", "-p", Integer.toString(port), "-l", "127.0.0.1", "-U", "0"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("-u", "root"));
    }
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("memcached.log").toFile());
    // memcached reads its SASL configuration from this directory.
    pb.environment().put("SASL_CONF_PATH", dir.toString());
    memcached = pb.start();
    awaitPort(port);
  }

  @AfterEach
  void stop() {
    caches.forEach(LayerCache::close);
    if (memcached != null) {
      memcached.destroyForcibly();
    }
  }

  private static String saslpasswd2() {
    return TestServers.onPath("saslpasswd2") ? "saslpasswd2" : "/usr/sbin/saslpasswd2";
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new AssertionError("memcached did not listen on " + port);
  }

  private LayerCache cache(MemcachedBackend.Builder backend) {
    LayerCache c =
        LayerCache.builder()
            .namespace("sasl")
            .backend(
                backend
                    .servers("127.0.0.1:" + port)
                    .operationTimeout(Duration.ofMillis(300))
                    .connectWait(Duration.ofSeconds(2))
                    .build())
            .build();
    caches.add(c);
    return c;
  }

  @Test
  void rightCredentials_storeAndServe() {
    LayerCache cache = cache(MemcachedBackend.builder().credentials(USER, PASSWORD));
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "loaded again")).isEqualTo("v1");
    cache.invalidateTags("articles");
    assertThat(cache.get(key, String.class, POLICY, () -> "v2")).isEqualTo("v2");
  }

  @Test
  void wrongPassword_servesNothing_callerGetsItsValueInTime() {
    assertUnauthenticatedFailsOpen(
        cache(MemcachedBackend.builder().credentials(USER, "wrong")), CacheKey.of("article", 2));
  }

  @Test
  void noCredentials_servesNothing_callerGetsItsValueInTime() {
    assertUnauthenticatedFailsOpen(cache(MemcachedBackend.builder()), CacheKey.of("article", 3));
  }

  private static void assertUnauthenticatedFailsOpen(LayerCache cache, CacheKey key) {
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      assertThat(cache.get(key, String.class, POLICY, () -> "from the database"))
          .isEqualTo("from the database");
      assertThat(cache.get(key, String.class)).as("nothing stored or served").isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .as("two reads bounded by the operation timeout")
          .isLessThan(Duration.ofSeconds(3));
    }
  }
}
