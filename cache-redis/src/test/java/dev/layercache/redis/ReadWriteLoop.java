package dev.layercache.redis;

import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * A concurrent load that detects stale reads: writers change a row and invalidate its tag, readers
 * read through the cache and count every value older than a write that had completed before the
 * read began. Exceptions reaching a caller are counted too.
 */
final class ReadWriteLoop {

  /** A cached row: its version and a filler that gives it weight. */
  record Row(long version, String filler) {}

  /** What a run saw. */
  record Result(long reads, long writes, long stale, long callerExceptions) {}

  /** The longest a run waits, past its minimum, for {@code enough} to hold. */
  private static final Duration LIMIT = Duration.ofMinutes(3);

  private ReadWriteLoop() {}

  /**
   * Runs the load while {@code during} runs on the calling thread, plus {@code minimum}.
   *
   * @param cache the cache
   * @param rows number of rows
   * @param rowBytes filler size per row
   * @param writers writer threads
   * @param readers reader threads
   * @param minimum least run time
   * @param during work done meanwhile (faults); may be a no-op
   * @return counts
   */
  static Result run(
      LayerCache cache,
      int rows,
      int rowBytes,
      int writers,
      int readers,
      Duration minimum,
      Runnable during)
      throws Exception {
    return run(cache, rows, rowBytes, writers, readers, minimum, during, sofar -> true);
  }

  /**
   * Runs the load for at least {@code minimum}, while {@code during} runs, and then until {@code
   * enough} holds for the counts so far (checked every 50 ms, for at most three minutes more): a
   * test that needs a certain amount of work done states the amount, not a duration that a slow or
   * busy machine may not fill.
   *
   * @param cache the cache
   * @param rows number of rows
   * @param rowBytes filler size per row
   * @param writers writer threads
   * @param readers reader threads
   * @param minimum least run time
   * @param during work done meanwhile (faults); may be a no-op
   * @param enough when the run has done what the test needs
   * @return counts
   */
  static Result run(
      LayerCache cache,
      int rows,
      int rowBytes,
      int writers,
      int readers,
      Duration minimum,
      Runnable during,
      Predicate<Result> enough)
      throws Exception {
    AtomicLongArray db = new AtomicLongArray(rows);
    AtomicLongArray committed = new AtomicLongArray(rows);
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    AtomicLong stale = new AtomicLong();
    AtomicLong exceptions = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    String filler = "f".repeat(rowBytes);
    CachePolicy[] policies = new CachePolicy[rows];
    for (int k = 0; k < rows; k++) {
      policies[k] =
          CachePolicy.builder().ttl(Duration.ofMinutes(10)).jitter(0).tags("row:" + k).build();
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    List<Future<?>> tasks = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        tasks.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int k = r.nextInt(rows);
                    long v = db.incrementAndGet(k);
                    try {
                      cache.invalidateTags("row:" + k);
                    } catch (RuntimeException e) {
                      exceptions.incrementAndGet();
                    }
                    committed.accumulateAndGet(k, v, Math::max);
                    writes.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (int t = 0; t < readers; t++) {
        tasks.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int k = r.nextInt(rows);
                    long floor = committed.get(k);
                    try {
                      Row seen =
                          cache.get(
                              CacheKey.of("row", k),
                              Row.class,
                              policies[k],
                              () -> new Row(db.get(k), filler));
                      if (seen.version() < floor) {
                        stale.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      exceptions.incrementAndGet();
                    }
                    reads.incrementAndGet();
                  }
                  return null;
                }));
      }
      long start = System.nanoTime();
      during.run();
      long rest = minimum.toNanos() - (System.nanoTime() - start);
      if (rest > 0) {
        Thread.sleep(rest / 1_000_000);
      }
      long limit = System.nanoTime() + LIMIT.toNanos();
      while (!enough.test(new Result(reads.get(), writes.get(), stale.get(), exceptions.get()))
          && System.nanoTime() < limit) {
        Thread.sleep(50);
      }
      stop.set(true);
      for (Future<?> f : tasks) {
        f.get();
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    return new Result(reads.get(), writes.get(), stale.get(), exceptions.get());
  }
}
