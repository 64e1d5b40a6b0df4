package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against real {@code redis-server} processes with certificates made for the test by the {@code
 * openssl} command: a client trusting the test authority works, by address or by host name, with an
 * ACL user (the servers refuse clients without one); host names are verified by default (a
 * certificate that does not name 127.0.0.1 is refused, and the caller still gets its loader's
 * value); {@code verifyHostname(false)} accepts it; a client that does not trust the authority
 * reads nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsIT {
  /**
   * Connect and read timeouts: a TLS handshake is slow on a busy machine, and a timeout would turn
   * the outcome a test checks (a stored value, NOAUTH, a refused certificate) into a fallback.
   */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final CachePolicy POLICY =
      CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("articles").build();

  @TempDir static Path dir;
  private static ServerProcess matching;
  private static ServerProcess otherHost;
  private static int matchingTlsPort;
  private static int otherHostTlsPort;
  private static SSLSocketFactory trustingTestCa;

  private final List<LayerCache> caches = new ArrayList<>();

  @BeforeAll
  static void startServers() throws Exception {
    if (!TestServers.onPath("openssl")) {
      throw new IllegalStateException(
          "openssl is needed to make test certificates: apt-get install openssl");
    }
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=layercache-test-ca");
    certificate("right", "DNS:localhost,IP:127.0.0.1");
    certificate("wrong", "DNS:other.example,IP:10.9.9.9");
    matchingTlsPort = TestServers.freePort();
    matching = startTls("right", matchingTlsPort);
    otherHostTlsPort = TestServers.freePort();
    otherHost = startTls("wrong", otherHostTlsPort);
    trustingTestCa = trusting(dir.resolve("ca.crt"));
  }

  @AfterAll
  static void stopServers() {
    if (matching != null) {
      matching.close();
    }
    if (otherHost != null) {
      otherHost.close();
    }
  }

  @AfterEach
  void closeCaches() {
    caches.forEach(LayerCache::close);
  }

  private static ServerProcess startTls(String name, int tlsPort) {
    // The plain port (chosen by the test kit) tells when the server is up; clients use TLS.
    return TestServers.startRedis(
        "--tls-port",
        Integer.toString(tlsPort),
        "--tls-cert-file",
        dir.resolve(name + ".crt").toString(),
        "--tls-key-file",
        dir.resolve(name + ".key").toString(),
        "--tls-ca-cert-file",
        dir.resolve("ca.crt").toString(),
        "--tls-auth-clients",
        "no",
        // Only the ACL user may work, so a client that sent no credentials would be refused.
        "--user",
        "default",
        "off",
        "--user",
        "app",
        "on",
        ">s3cret",
        "~*",
        "&*",
        "+@all");
  }

  private static void certificate(String name, String subjectAltNames) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + subjectAltNames + "\n");
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        "/CN=" + name);
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-days",
        "2",
        "-extfile",
        name + ".ext");
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static SSLSocketFactory trusting(Path caCertificate) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caCertificate)) {
      X509Certificate ca =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("layercache-test-ca", ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context.getSocketFactory();
  }

  private static RedisBackend.Builder tlsBackend(int port) {
    return RedisBackend.builder()
        .uri("rediss://app:s3cret@127.0.0.1:" + port)
        .connectTimeout(TIMEOUT)
        .readTimeout(TIMEOUT);
  }

  private LayerCache cache(RedisBackend backend) {
    LayerCache c = LayerCache.builder().namespace("tls").backend(backend).build();
    caches.add(c);
    return c;
  }

  @Test
  void trustedCertificate_namingTheHost_works_withAclUser() {
    LayerCache cache = cache(tlsBackend(matchingTlsPort).sslSocketFactory(trustingTestCa).build());
    CacheKey key = CacheKey.of("article", 1);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "loaded again")).isEqualTo("v1");
    cache.invalidateTags("articles");
    assertThat(cache.get(key, String.class, POLICY, () -> "v2")).isEqualTo("v2");
    cache.put(CacheKey.of("article", 10), "put", POLICY);
    assertThat(cache.get(CacheKey.of("article", 10), String.class)).isEqualTo("put");
  }

  @Test
  void tlsWithoutCredentials_isRefusedByTheServer() {
    // The same TLS connection without the ACL user: proves the user above was really sent.
    RedisBackend anonymous =
        RedisBackend.builder()
            .standalone("127.0.0.1", matchingTlsPort)
            .sslSocketFactory(trustingTestCa)
            .connectTimeout(TIMEOUT)
            .readTimeout(TIMEOUT)
            .build();
    try {
      assertThatThrownBy(() -> anonymous.read("tls:k", "tls:k:tag", List.of()))
          .hasStackTraceContaining("NOAUTH");
    } finally {
      anonymous.close();
    }
  }

  @Test
  void builderSettings_hostName_userAndPassword_work() {
    // tls(true), user and password set one by one, and the certificate's DNS name (not its IP).
    LayerCache cache =
        cache(
            RedisBackend.builder()
                .standalone("localhost", matchingTlsPort)
                .tls(true)
                .sslSocketFactory(trustingTestCa)
                .user("app")
                .password("s3cret")
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT)
                .build());
    CacheKey key = CacheKey.of("article", 5);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "loaded again")).isEqualTo("v1");
  }

  @Test
  void hostNameIsVerifiedByDefault_andTheCallerStillGetsItsValue() {
    RedisBackend backend = tlsBackend(otherHostTlsPort).sslSocketFactory(trustingTestCa).build();
    // Directly, the backend reports why: the certificate does not name 127.0.0.1.
    assertThatThrownBy(() -> backend.read("tls:k", "tls:k:tag", List.of()))
        .hasStackTraceContaining("SSLHandshakeException")
        .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
    // Through the cache, the failure is a miss (fail-open): the loader's value, nothing stored.
    LayerCache cache = cache(backend);
    CacheKey key = CacheKey.of("article", 2);
    assertThat(cache.get(key, String.class, POLICY, () -> "from the database"))
        .isEqualTo("from the database");
    assertThat(cache.get(key, String.class, POLICY, () -> "from the database again"))
        .isEqualTo("from the database again");
    assertThat(cache.get(key, String.class)).isNull();
  }

  @Test
  void verifyHostnameOff_acceptsACertificateNamingAnotherHost() {
    LayerCache cache =
        cache(
            tlsBackend(otherHostTlsPort)
                .sslSocketFactory(trustingTestCa)
                .verifyHostname(false)
                .build());
    CacheKey key = CacheKey.of("article", 3);
    assertThat(cache.get(key, String.class, POLICY, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, POLICY, () -> "loaded again")).isEqualTo("v1");
  }

  @Test
  void untrustedAuthority_readsNothing_butTheCallerGetsItsValue() {
    // The JVM's default trust store does not know the test authority.
    RedisBackend backend = tlsBackend(matchingTlsPort).build();
    assertThatThrownBy(() -> backend.read("tls:k", "tls:k:tag", List.of()))
        .hasStackTraceContaining("SSLHandshakeException")
        .hasStackTraceContaining("PKIX path building failed");
    LayerCache cache = cache(backend);
    CacheKey key = CacheKey.of("article", 4);
    assertThat(cache.get(key, String.class, POLICY, () -> "a")).isEqualTo("a");
    assertThat(cache.get(key, String.class, POLICY, () -> "b")).isEqualTo("b");
  }
}
