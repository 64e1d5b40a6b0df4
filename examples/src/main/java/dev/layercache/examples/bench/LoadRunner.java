package dev.layercache.examples.bench;

import dev.layercache.examples.blog.BlogAssembler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Drives a {@link Deployment} with a {@link Workload}, in one of two ways:
 *
 * <ul>
 *   <li><b>closed loop</b>: N clients, each sending its next request when the previous one is
 *       answered; the load adapts to the system, so it measures capacity;
 *   <li><b>open loop</b>: requests are due at a fixed rate whatever the answers, and each latency
 *       is measured from the request's <em>intended</em> start, so a stalled system is charged for
 *       every request that had to wait (no coordinated omission).
 * </ul>
 *
 * Each client alternates between the application servers. Latencies go into per-client
 * HdrHistograms (no shared state on the hot path) merged at the end. Used by one thread at a time.
 */
public final class LoadRunner {
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final long PROGRESS_INTERVAL_MILLIS = 250;
  private static final int OPS = Operation.values().length;
  // An overloaded open-loop point may take this many times its duration to finish its backlog.
  private static final int OPEN_LOOP_GRACE = 3;

  private final Workload workload;
  private final Deployment deployment;
  private final StaleReadChecker checker;
  private final ProgressDisplay progress;
  private final long seed;
  private long phases;

  /**
   * Creates a runner.
   *
   * @param workload what the clients ask
   * @param deployment whom they ask
   * @param checker checks every answer
   * @param progress shows what is going on
   * @param seed seeds the clients' random sources
   */
  public LoadRunner(
      Workload workload,
      Deployment deployment,
      StaleReadChecker checker,
      ProgressDisplay progress,
      long seed) {
    this.workload = workload;
    this.deployment = deployment;
    this.checker = checker;
    this.progress = progress;
    this.seed = seed;
  }

  /**
   * What one phase measured.
   *
   * @param operations completed requests
   * @param reads of which reads
   * @param elapsedNanos time from the first start to the last answer
   * @param overall latency of all requests, nanoseconds
   * @param byOperation latency per operation ordinal, nanoseconds
   * @param errors failed requests
   * @param firstError the first failure, or null
   * @param staleReads stale entities found
   * @param unsent open loop: requests that were due but not sent when the point's time ran out (the
   *     system could not keep up); 0 for the closed loop
   * @param counters work done by database and cache
   */
  public record Phase(
      long operations,
      long reads,
      long elapsedNanos,
      Histogram overall,
      Histogram[] byOperation,
      long errors,
      @Nullable String firstError,
      long staleReads,
      long unsent,
      Deployment.Counters counters) {
    /**
     * Completed requests per second.
     *
     * @return the throughput
     */
    public double throughput() {
      return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
    }
  }

  /** Shared state of the clients of one phase. */
  private final class Clients {
    final String label;
    final long durationNanos;
    final List<Thread> threads = new ArrayList<>();
    final List<Histogram[]> histograms = new ArrayList<>();
    final Recorder recent = new Recorder(HIGHEST_NANOS, 2);
    final LongAdder done = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder stale = new LongAdder();
    final AtomicReference<@Nullable String> firstError = new AtomicReference<>();
    volatile boolean stop;
    long startNanos;
    // Closed loop: stop at the duration. Open loop: let due requests finish, up to a hard limit.
    long stopAfterNanos;
    LongSupplier unsent = () -> 0;

    Clients(String label, Duration duration) {
      this.label = label;
      this.durationNanos = duration.toNanos();
      this.stopAfterNanos = durationNanos;
    }

    Histogram[] newHistograms() {
      Histogram[] h = new Histogram[OPS + 1];
      for (int i = 0; i < h.length; i++) {
        h[i] = new Histogram(HIGHEST_NANOS, 3);
      }
      synchronized (histograms) {
        histograms.add(h);
      }
      return h;
    }

    /** Sends one request and records its latency from {@code startNanos}. */
    void request(Workload.Request r, BlogAssembler server, long startNanos, Histogram[] h) {
      try {
        int found = workload.execute(r, server, checker);
        if (found > 0) {
          stale.add(found);
        }
      } catch (Exception e) {
        errors.increment();
        firstError.compareAndSet(
            null, r.operation().id() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      long latency = Math.min(HIGHEST_NANOS, Math.max(0, System.nanoTime() - startNanos));
      h[OPS].recordValue(latency);
      h[r.operation().ordinal()].recordValue(latency);
      recent.recordValue(latency);
      if (!r.operation().isWrite()) {
        reads.increment();
      }
      done.increment();
    }

    Phase run(long operationTarget) throws InterruptedException {
      Deployment.Counters before = deployment.counters();
      startNanos = System.nanoTime();
      threads.forEach(Thread::start);
      long lastDone = 0;
      long lastTime = startNanos;
      Histogram interval = null;
      while (true) {
        boolean alive = false;
        for (Thread t : threads) {
          t.join(PROGRESS_INTERVAL_MILLIS);
          if (t.isAlive()) {
            alive = true;
            break;
          }
        }
        long now = System.nanoTime();
        if (!alive) {
          break;
        }
        if (operationTarget == 0 && now - startNanos >= stopAfterNanos) {
          stop = true;
        }
        interval = recent.getIntervalHistogram(interval);
        long d = done.sum();
        double rate = (d - lastDone) * 1e9 / Math.max(1, now - lastTime);
        lastDone = d;
        lastTime = now;
        String where =
            operationTarget > 0
                ? String.format(Locale.ROOT, "%,d/%,d ops", d, operationTarget)
                : String.format(
                    Locale.ROOT,
                    "%.0f/%.0fs  %,d ops",
                    (now - startNanos) / 1e9,
                    durationNanos / 1e9,
                    d);
        progress.show(
            String.format(
                Locale.ROOT,
                "%s  %s  %,.0f ops/s  p99 %.2f ms  stale %d  errors %d",
                label,
                where,
                rate,
                interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1e6,
                stale.sum(),
                errors.sum()));
      }
      long elapsed = System.nanoTime() - startNanos;
      long dropped = unsent.getAsLong();
      Deployment.Counters work = deployment.counters().minus(before);
      Histogram overall = new Histogram(HIGHEST_NANOS, 3);
      Histogram[] byOp = new Histogram[OPS];
      for (int i = 0; i < OPS; i++) {
        byOp[i] = new Histogram(HIGHEST_NANOS, 3);
      }
      for (Histogram[] h : histograms) {
        overall.add(h[OPS]);
        for (int i = 0; i < OPS; i++) {
          byOp[i].add(h[i]);
        }
      }
      return new Phase(
          done.sum(),
          reads.sum(),
          elapsed,
          overall,
          byOp,
          errors.sum(),
          firstError.get(),
          stale.sum(),
          dropped,
          work);
    }
  }

  /**
   * Runs N clients, each waiting for its answer before sending the next request.
   *
   * @param label shown in the progress line
   * @param threads the number of clients
   * @param duration how long, unless {@code operations} is positive
   * @param operations how many requests in all, or 0 to run for {@code duration}
   * @return what was measured
   * @throws InterruptedException if interrupted while waiting for the clients
   */
  public Phase closedLoop(String label, int threads, Duration duration, long operations)
      throws InterruptedException {
    Clients clients = new Clients(label, duration);
    AtomicLong issued = new AtomicLong();
    long phase = phases++;
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + phase * 1_009L + t);
      Histogram[] h = clients.newHistograms();
      int first = t % Deployment.SERVERS;
      clients.threads.add(
          new Thread(
              () -> {
                int n = first;
                while (!clients.stop) {
                  if (operations > 0 && issued.getAndIncrement() >= operations) {
                    break;
                  }
                  Workload.Request r = workload.next(random);
                  BlogAssembler server = deployment.server(n++ % Deployment.SERVERS);
                  clients.request(r, server, System.nanoTime(), h);
                }
              },
              "client-" + t));
    }
    return clients.run(operations);
  }

  /**
   * Sends requests at a fixed rate, whatever the answers. Request i is due at {@code start + i /
   * rate}; a free worker takes it, waits until it is due, and its latency counts from then, so time
   * spent waiting for a free worker counts too.
   *
   * @param label shown in the progress line
   * @param rate requests per second
   * @param workers the most requests in flight at once
   * @param duration for how long requests are due
   * @return what was measured
   * @throws InterruptedException if interrupted while waiting for the workers
   */
  public Phase openLoop(String label, double rate, int workers, Duration duration)
      throws InterruptedException {
    Clients clients = new Clients(label, duration);
    AtomicLong next = new AtomicLong();
    double intervalNanos = 1e9 / rate;
    long phase = phases++;
    long due = (long) Math.ceil(duration.toNanos() / intervalNanos);
    clients.stopAfterNanos = OPEN_LOOP_GRACE * duration.toNanos();
    clients.unsent = () -> Math.max(0, due - Math.min(next.get(), due));
    for (int t = 0; t < workers; t++) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + phase * 1_009L + t);
      Histogram[] h = clients.newHistograms();
      clients.threads.add(
          new Thread(
              () -> {
                while (!clients.stop) {
                  long i = next.getAndIncrement();
                  if (i >= due) {
                    break;
                  }
                  long dueAt = clients.startNanos + (long) (i * intervalNanos);
                  long wait;
                  while ((wait = dueAt - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  Workload.Request r = workload.next(random);
                  clients.request(r, deployment.server((int) (i % Deployment.SERVERS)), dueAt, h);
                }
              },
              "open-" + t));
    }
    return clients.run(0);
  }
}
