package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.BackendContractTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * The backend contract on a Redis topology: losing a tag version is a {@code DEL} and a foreign
 * entry is random bytes, both written by a plain client of the same servers.
 */
abstract class RedisContractTest extends BackendContractTest {
  /**
   * Timeouts, pool wait and slow-call threshold far above what a busy machine takes. The contract
   * checks what a working backend does; with the production defaults (a few hundred milliseconds) a
   * stall, or 64 threads queuing for the pool, turns calls into misses or opens the circuit
   * breaker, and the cache then loads or skips where the contract expects it not to.
   */
  static final Duration PATIENT = Duration.ofSeconds(10);

  /**
   * Gives a backend under test {@link #PATIENT} timeouts and pool wait.
   *
   * @param builder the backend's builder
   * @return the same builder
   */
  static RedisBackend.Builder patient(RedisBackend.Builder builder) {
    return builder.connectTimeout(PATIENT).readTimeout(PATIENT).poolMaxWait(PATIENT);
  }

  @Override
  protected LayerCache build(LayerCache.Builder builder) {
    return builder.slowCallThreshold(PATIENT).build();
  }

  /**
   * A plain client of the servers the backend under test uses.
   *
   * @return the client
   */
  protected abstract UnifiedJedis admin();

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    admin().del(tagKey.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    admin().set(entryKey.getBytes(StandardCharsets.UTF_8), randomBytes());
  }

  @Test
  void tagVersionOverwrittenWithText_neverValidatesEntries_andIsRepaired() {
    tagVersionPlanted(tagKey -> admin().set(tagKey, "not-a-counter"));
  }

  @Test
  void tagVersionOfAnotherType_neverValidatesEntries_andIsRepaired() {
    tagVersionPlanted(
        tagKey -> {
          admin().del(tagKey);
          admin().hset(tagKey, "field", "1");
        });
  }

  @Test
  void entryKeyOfAnotherType_isMissAndIsReplaced() {
    CacheKey key = CacheKey.of("planted", 2L);
    CachePolicy policy = CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).build();
    admin().hset(key.entryKey(cache.namespace()), "field", "1");
    assertThat(cache.get(key, String.class, policy, () -> "v1")).isEqualTo("v1");
    assertThat(cache.get(key, String.class, policy, () -> "v2")).isEqualTo("v1");
  }

  /**
   * Another client replaces a tag's version: the entries stored with the old version are misses,
   * and the next load repairs the version so that its value is cached again.
   */
  private void tagVersionPlanted(Consumer<String> plant) {
    CacheKey key = CacheKey.of("planted", 1L);
    CachePolicy policy =
        CachePolicy.builder().ttl(Duration.ofMinutes(5)).jitter(0).tags("planted").build();
    assertThat(cache.get(key, String.class, policy, () -> "v1")).isEqualTo("v1");
    plant.accept(policy.tagKeys(cache.namespace()).get(0));
    assertThat(cache.get(key, String.class, policy, () -> "v2")).isEqualTo("v2");
    assertThat(cache.get(key, String.class, policy, () -> "v3")).isEqualTo("v2");
    cache.invalidateTags("planted");
    assertThat(cache.get(key, String.class, policy, () -> "v4")).isEqualTo("v4");
  }

  static byte[] randomBytes() {
    byte[] b = new byte[64];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] = '#'; // never the entry magic
    return b;
  }
}
