package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.redis.internal.JedisVersion;
import org.junit.jupiter.api.Test;

/**
 * The integration tests run on the Jedis the build says they do: once on the version the backend is
 * built against, once on the oldest supported one. Without this check a build whose class path swap
 * silently failed would report the oldest version as tested.
 */
class JedisOnClassPathIT {

  @Test
  void theJedisOnTheClassPath_isTheOneThisRunIsFor() {
    String expected = System.getProperty("layercache.expectedJedis");
    assertThat(expected).as("the build names the Jedis of this run").isNotBlank();
    assertThat(JedisVersion.check()).isEqualTo(expected);
  }
}
