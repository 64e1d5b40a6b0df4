package dev.layercache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Precomputes cache entries in the background ("do the time-consuming work in advance"): runs a
 * task, typically a call to a caching proxy or a read-through {@link LayerCache#get}, for every
 * item, with bounded concurrency, reporting progress as it goes.
 *
 * <pre>{@code
 * Warmer warmer = Warmer.builder().concurrency(4)
 *     .onProgress(p -> log.info("warming profiles: {}", p)).build();
 * warmer.warm(popularUserIds, id -> profiles.profile(id)).join();
 * }</pre>
 *
 * A failing item is counted and does not stop the others. Thread-safe; one warmer can run several
 * warm-ups.
 */
public final class Warmer {
  private static final Logger LOG = LoggerFactory.getLogger(Warmer.class);

  /** Concurrency when none is set. */
  public static final int DEFAULT_CONCURRENCY = 4;

  /** Progress is reported at most this often (and once at the end). */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private final int concurrency;
  private final Executor executor;
  private final Consumer<Progress> onProgress;
  private final long progressIntervalNanos;

  private Warmer(Builder b) {
    this.concurrency = b.concurrency;
    this.executor = b.executor != null ? b.executor : SHARED_THREADS;
    this.onProgress = b.onProgress;
    this.progressIntervalNanos = b.progressInterval.toNanos();
  }

  private static final ExecutorService SHARED_THREADS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "layercache-warmer");
            t.setDaemon(true);
            return t;
          });

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Work done for one item. */
  @FunctionalInterface
  public interface Task<T> {
    /**
     * Computes and caches the entry for one item.
     *
     * @param item the item
     * @throws Exception if it fails; counted, the warm-up goes on
     */
    void run(T item) throws Exception;
  }

  /**
   * How far a warm-up is.
   *
   * @param done items finished, failed ones included
   * @param total items in all
   * @param failed items whose task threw
   * @param elapsed time since the start
   */
  public record Progress(int done, int total, int failed, Duration elapsed) {
    @Override
    public String toString() {
      return done + "/" + total + " done, " + failed + " failed, " + elapsed.toMillis() + " ms";
    }
  }

  /**
   * Warms every item.
   *
   * @param items the items
   * @param task what to do for each
   * @param <T> the item type
   * @return a future completed with the final progress when every item is done
   */
  public <T> CompletableFuture<Progress> warm(Collection<T> items, Task<? super T> task) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(task, "task");
    List<T> list = new ArrayList<>(items);
    int total = list.size();
    long start = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong lastReport = new AtomicLong(start);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Progress> result = new CompletableFuture<>();
    if (total == 0) {
      result.complete(new Progress(0, 0, 0, Duration.ZERO));
      return result;
    }
    Semaphore permits = new Semaphore(concurrency);
    // The feeding loop runs on its own thread, so warm() returns at once.
    executor.execute(
        () -> {
          for (T item : list) {
            permits.acquireUninterruptibly();
            executor.execute(
                () -> {
                  try {
                    task.run(item);
                  } catch (Exception | Error e) {
                    failed.incrementAndGet();
                    if (failures.size() < 3) {
                      failures.add(e);
                    }
                  } finally {
                    permits.release();
                    int d = done.incrementAndGet();
                    long now = System.nanoTime();
                    long last = lastReport.get();
                    Progress p =
                        new Progress(d, total, failed.get(), Duration.ofNanos(now - start));
                    if (d == total) {
                      report(p);
                      if (p.failed() > 0) {
                        LOG.warn(
                            "warm-up finished with {} failures, first: {}", p.failed(), failures);
                      }
                      result.complete(p);
                    } else if (now - last >= progressIntervalNanos
                        && lastReport.compareAndSet(last, now)) {
                      report(p);
                    }
                  }
                });
          }
        });
    return result;
  }

  private void report(Progress p) {
    try {
      onProgress.accept(p);
    } catch (RuntimeException e) {
      LOG.debug("progress listener failed", e);
    }
  }

  /** Builds a {@link Warmer}. */
  public static final class Builder {
    private int concurrency = DEFAULT_CONCURRENCY;
    private @Nullable Executor executor;
    private Consumer<Progress> onProgress = p -> LOG.info("warm-up: {}", p);
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

    private Builder() {}

    /**
     * Sets how many items are worked on at once.
     *
     * @param concurrency from 1 to 1024
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 1024) {
        throw new CacheConfigurationException(
            "concurrency must be in [1, 1024], was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Sets the executor. Default: shared daemon threads.
     *
     * @param executor the executor; it must run at least concurrency + 1 tasks at once
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets what receives progress reports. Default: an INFO log line.
     *
     * @param onProgress the listener
     * @return this builder
     */
    public Builder onProgress(Consumer<Progress> onProgress) {
      this.onProgress = Objects.requireNonNull(onProgress, "onProgress");
      return this;
    }

    /**
     * Sets how often progress is reported.
     *
     * @param interval at least 1 ms
     * @return this builder
     */
    public Builder progressInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new CacheConfigurationException(
            "progressInterval must be at least 1 ms, was " + interval);
      }
      this.progressInterval = interval;
      return this;
    }

    /**
     * Returns the warmer.
     *
     * @return the warmer
     */
    public Warmer build() {
      return new Warmer(this);
    }
  }
}
