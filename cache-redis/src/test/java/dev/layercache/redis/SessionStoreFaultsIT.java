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
                        // Long enough that a loaded machine does not time out a healthy call,
                        // short enough that the calls to the paused server fail quickly.
                        .readTimeout(Duration.ofSeconds(1))
                        .connectTimeout(Duration.ofSeconds(1))
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
      // A read may still meet the reconnecting client (a miss, not an error), and the session
      // the failed update touched bypasses the cache until its invalidation is retried: both are
      // found within the deadline, or never were stored.
      assertThat(eventually(sessions, again, deadline)).contains(new Login(3, "cy"));
      // The session that existed before the outage is still there, as it was.
      assertThat(eventually(sessions, ok, deadline)).contains(new Login(1, "ann"));
    }
  }

  private static java.util.Optional<Login> eventually(
      SessionStore<Login> sessions, String id, long deadline) throws InterruptedException {
    java.util.Optional<Login> found = sessions.find(id);
    while (found.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      found = sessions.find(id);
    }
    return found;
  }
}
