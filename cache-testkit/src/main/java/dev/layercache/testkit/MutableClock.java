package dev.layercache.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, so expiry is tested without sleeping. Thread-safe. */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  /**
   * Creates a clock at the current time.
   *
   * @return the clock
   */
  public static MutableClock now() {
    return new MutableClock(System.currentTimeMillis());
  }

  private MutableClock(long millis) {
    this.millis = new AtomicLong(millis);
  }

  /**
   * Moves the clock forward.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
