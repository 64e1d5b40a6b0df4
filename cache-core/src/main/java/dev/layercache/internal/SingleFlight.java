package dev.layercache.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs one loader per key at a time in this process. A caller joins a running load only if it read
 * the same tag versions as the load's leader: a caller that arrives after an invalidation must not
 * receive a value loaded before it, so it starts a new flight instead.
 *
 * <p>The leader runs its loader itself, on its own thread, so its exception type is preserved.
 */
final class SingleFlight {
  private final ConcurrentMap<String, Flight> flights = new ConcurrentHashMap<>();

  /**
   * Joins or starts the flight for a key.
   *
   * @param key the entry key
   * @param snapshot the versions the caller read, or null if it read none
   * @return the flight and whether the caller leads it
   */
  Joined join(String key, long @Nullable [] snapshot) {
    Flight mine = new Flight(key, snapshot);
    while (true) {
      Flight existing = flights.putIfAbsent(key, mine);
      if (existing == null) {
        return new Joined(mine, true);
      }
      if (Arrays.equals(existing.snapshot, snapshot)) {
        return new Joined(existing, false);
      }
      // An older flight loads for older versions: ours replaces it; it will not remove ours.
      if (flights.replace(key, existing, mine)) {
        return new Joined(mine, true);
      }
    }
  }

  /**
   * A flight as seen by one caller.
   *
   * @param flight the flight
   * @param leader whether this caller must run the loader and complete the flight
   */
  record Joined(Flight flight, boolean leader) {}

  /** One load in progress. */
  final class Flight {
    private final String key;
    private final long @Nullable [] snapshot;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile @Nullable Object value;
    private volatile @Nullable Throwable failure;
    private volatile CacheEngine.@Nullable Dependencies dependencies;

    Flight(String key, long @Nullable [] snapshot) {
      this.key = key;
      this.snapshot = snapshot;
    }

    /** Publishes the leader's value and what it depended on to followers, ends the flight. */
    void complete(@Nullable Object v, CacheEngine.@Nullable Dependencies deps) {
      value = v;
      dependencies = deps;
      finish();
    }

    /** Publishes the leader's failure to followers and ends the flight. */
    void fail(Throwable t) {
      failure = t;
      finish();
    }

    private void finish() {
      flights.remove(key, this);
      done.countDown();
    }

    /**
     * Waits for the leader.
     *
     * @return the outcome
     */
    Outcome await() {
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.LOAD_YOURSELF;
      }
      if (failure == null) {
        return new Outcome(value, dependencies);
      }
      // The leader failed: each follower runs its own loader, so it gets its own exception (or
      // its own result: a failure may concern the leader's call alone, like a result too large
      // to cache that the leader is still streaming).
      return Outcome.LOAD_YOURSELF;
    }
  }

  /** What a follower gets: the leader's value, or a request to load itself. */
  static final class Outcome {
    static final Outcome LOAD_YOURSELF = new Outcome(null, null);

    final @Nullable Object value;
    final CacheEngine.@Nullable Dependencies dependencies;

    Outcome(@Nullable Object value, CacheEngine.@Nullable Dependencies dependencies) {
      this.value = value;
      this.dependencies = dependencies;
    }
  }
}
