package dev.layercache.testsupport;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for a state other threads reach, instead of sleeping and hoping they reached it. The
 * deadline is far above the milliseconds the state takes, so only a hang reaches it.
 */
public final class Waiting {
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Waiting() {}

  /**
   * Waits until a condition holds.
   *
   * @param what the condition, for the failure message
   * @param condition the condition
   * @throws InterruptedException if interrupted
   * @throws AssertionError if it does not hold within 30 seconds
   */
  public static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * Whether a thread is inside a method (its stack holds a frame of it).
   *
   * @param t the thread
   * @param className the method's class, binary name ({@code Outer$Inner})
   * @param method the method name
   * @return true if a frame of that method is on the thread's stack
   */
  public static boolean isIn(Thread t, String className, String method) {
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getClassName().equals(className) && frame.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits until a caller has joined a load in flight: it waits for the leader's result.
   *
   * @param follower the caller's thread
   * @throws InterruptedException if interrupted
   */
  public static void untilFollowing(Thread follower) throws InterruptedException {
    until(
        follower.getName() + " waits on the load in flight",
        () -> isIn(follower, "dev.layercache.internal.SingleFlight$Flight", "await"));
  }
}
