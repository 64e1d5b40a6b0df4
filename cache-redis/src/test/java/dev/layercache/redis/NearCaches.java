package dev.layercache.redis;

import dev.layercache.near.NearCacheBackend;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting helpers for near-cache tests: the bus subscribes on its own thread. */
final class NearCaches {
  private NearCaches() {}

  /** Returns the backend once its subscription is live, so that its near level is in use. */
  static NearCacheBackend live(NearCacheBackend backend) {
    await(() -> backend.stats().live(), Duration.ofSeconds(10), "near cache subscription");
    return backend;
  }

  static void await(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
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
