package dev.layercache.redis;

import dev.layercache.near.NearCacheBackend;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting helpers for near-cache tests: the bus subscribes and delivers on its own thread. */
final class NearCaches {
  /**
   * How long a test waits for something the bus does on its own thread: far above the few
   * milliseconds it takes, so that only a bus that never does it fails the test.
   */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private NearCaches() {}

  /** Returns the backend once its subscription is live, so that its near level is in use. */
  static NearCacheBackend live(NearCacheBackend backend) {
    await(() -> backend.stats().live(), "near cache subscription");
    return backend;
  }

  /** Waits up to {@link #DEADLINE} for {@code condition}, failing the test if it never holds. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
