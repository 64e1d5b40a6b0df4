package dev.layercache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheBackendException;
import dev.layercache.LayerCache;
import dev.layercache.SessionStore;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session exists nowhere but in the cache: creating one while the backend is down fails loudly
 * instead of returning an id that leads nowhere, an update is not reported done, and both work
 * again once the backend is back, with the sessions from before the outage intact.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SessionStoreFaultsIT {
  record Login(long userId, String name) {}

  @Test
  void create_whileTheBackendIsDown_throws_andWorksOnceItIsBack() throws Exception {
    try (ServerProcess server = TestServers.startRedis();
        LayerCache cache =
            LayerCache.builder()
                .namespace("sessions")
                .backend(
                    RedisBackend.builder()
                        .standalone(server.host(), server.port())
                        .readTimeout(Duration.ofMillis(200))
                        .connectTimeout(Duration.ofMillis(200))
                        .build())
                // The breaker would make the calls after the first fail without trying: the same
                // outcome, but this test wants every call to meet the dead server.
                .circuitBreaker(false)
                .build()) {
      SessionStore<Login> sessions = SessionStore.builder(cache, Login.class).build();
      String ok = sessions.create(new Login(1, "ann"));
      assertThat(sessions.find(ok)).contains(new Login(1, "ann"));

      server.pause();
      try {
        assertThatThrownBy(() -> sessions.create(new Login(2, "bob")))
            .isInstanceOf(CacheBackendException.class)
            .hasMessageContaining("could not be stored");
        // An update reads the session first; unreadable, it is not updated, and says so.
        boolean updated;
        try {
          updated = sessions.update(ok, new Login(1, "ann2"));
        } catch (CacheBackendException e) {
          updated = false;
        }
        assertThat(updated).as("an update the backend did not take is not reported done").isFalse();
      } finally {
        server.resume();
      }
      // Back: new sessions are stored and found; nothing half-written is found.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String again = null;
      while (again == null && System.nanoTime() < deadline) {
        try {
          again = sessions.create(new Login(3, "cy"));
        } catch (CacheBackendException e) {
          Thread.sleep(50); // the client reconnects on its own schedule
        }
      }
      assertThat(again).as("sessions are stored again once the server is back").isNotNull();
      assertThat(sessions.find(again)).contains(new Login(3, "cy"));
      // The session that existed before the outage is still there, as it was.
      assertThat(sessions.find(ok)).contains(new Login(1, "ann"));
    }
  }
}
