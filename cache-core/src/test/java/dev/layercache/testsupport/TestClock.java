package dev.layercache.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock moved by hand, for tests of the core (the test kit has its own for backends). */
public final class TestClock extends Clock {
  private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

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
