package dev.layercache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The failure policy, written once: every backend call goes through here. A failed or refused call
 * returns null (reads) or false (writes); it is counted, logged at a limited rate, and fed to the
 * circuit breaker. Nothing thrown by a backend reaches a cache caller.
 *
 * <p>In-process backends skip the breaker and the timing: they cannot time out, and their hit path
 * must stay allocation-free.
 */
final class BackendGuard {
  private final CacheBackend backend;
  private final boolean local;
  private final @Nullable CircuitBreaker breaker;
  private final CacheMetrics metrics;
  private final ThrottledLog log;
  // Entries whose last read failed, lately: a second failure makes the guard look at the entry.
  private final Cache<String, Boolean> failedReads =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofMinutes(1)).build();
  // A version key nobody writes: reading it tells whether the backend answers small requests.
  private final String probeKey;

  /** Creates a guard; {@code metrics} must already be exception-safe. */
  BackendGuard(EngineSettings s, CacheMetrics metrics) {
    this.backend = s.backend();
    this.local = backend.isLocal();
    this.metrics = metrics;
    this.probeKey = KeyEncoding.tagKey(s.namespace(), "layercache.probe");
    this.log =
        new ThrottledLog(
            LoggerFactory.getLogger("dev.layercache.backend"), s.logInterval().toNanos());
    if (s.circuitBreaker() && !local) {
      CircuitBreakerConfig config =
          CircuitBreakerConfig.custom()
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(20)
              .minimumNumberOfCalls(10)
              .failureRateThreshold(s.failureRateThreshold())
              .slowCallDurationThreshold(s.slowCall())
              .slowCallRateThreshold(s.failureRateThreshold())
              .waitDurationInOpenState(s.openDuration())
              .permittedNumberOfCallsInHalfOpenState(3)
              .build();
      this.breaker = CircuitBreaker.of(s.namespace() + "/" + backend.name(), config);
    } else {
      this.breaker = null;
    }
  }

  /**
   * The circuit breaker's state, for tests and diagnostics.
   *
   * @return the state name, or "DISABLED"
   */
  String breakerState() {
    return breaker == null ? "DISABLED" : breaker.getState().name();
  }

  @Nullable BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    if (local) {
      try {
        return backend.read(entryKey, keyTagKey, tagKeys);
      } catch (RuntimeException e) {
        failed("read", e, 0);
        return null;
      }
    }
    return remote("read", entryKey, () -> backend.read(entryKey, keyTagKey, tagKeys), false);
  }

  @Nullable List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    return call("readAll", () -> backend.readAll(entryKeys, keyTagKeys, tagKeys));
  }

  long @Nullable [] tagVersions(List<String> tagKeys, boolean createAbsent) {
    return call("versions", () -> backend.tagVersions(tagKeys, createAbsent));
  }

  boolean write(String entryKey, StoredEntry entry, long ttlMillis) {
    return call(
            "write",
            () -> {
              backend.write(entryKey, entry, ttlMillis);
              return Boolean.TRUE;
            })
        != null;
  }

  boolean delete(String entryKey) {
    return call(
            "delete",
            () -> {
              backend.delete(entryKey);
              return Boolean.TRUE;
            })
        != null;
  }

  boolean bumpTags(List<String> tagKeys) {
    return essential("bump", () -> backend.bumpTags(tagKeys));
  }

  boolean lockTags(List<String> tagKeys, long deadlineMillis) {
    return essential("lock", () -> backend.lockTags(tagKeys, deadlineMillis));
  }

  boolean unlockTags(List<String> tagKeys) {
    return essential("unlock", () -> backend.unlockTags(tagKeys));
  }

  boolean evict(String entryKey, String keyTagKey) {
    return essential("evict", () -> backend.evict(entryKey, keyTagKey));
  }

  /** An invalidation: true if the backend took it. */
  private boolean essential(String operation, Runnable call) {
    return essential(
            operation,
            () -> {
              call.run();
              return Boolean.TRUE;
            })
        != null;
  }

  /**
   * Invalidations are attempted even while the breaker is open: a delivered bump protects every
   * process, while a skipped one protects only this process (through its pending retries).
   */
  private <R> @Nullable R essential(String operation, Supplier<R> call) {
    if (local) {
      return call(operation, call);
    }
    return remote(operation, call, true);
  }

  private <R> @Nullable R call(String operation, Supplier<R> call) {
    if (local) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        failed(operation, e, 0);
        return null;
      }
    }
    return remote(operation, call, false);
  }

  private <R> @Nullable R remote(String operation, Supplier<R> call, boolean essential) {
    return remote(operation, null, call, essential);
  }

  /**
   * A remote call; {@code entryKey} names the entry a read is for, so that an entry whose reads
   * keep failing while the backend answers other requests (a value too large to read in time, say)
   * is deleted and does not open the breaker for every other key.
   */
  private <R> @Nullable R remote(
      String operation, @Nullable String entryKey, Supplier<R> call, boolean essential) {
    CircuitBreaker cb = breaker;
    if (cb != null && !essential && !cb.tryAcquirePermission()) {
      metrics.backendCall(backend.name(), operation, 0, false);
      log.warn(
          "open:" + operation,
          "LayerCache backend '"
              + backend.name()
              + "' circuit breaker is "
              + cb.getState()
              + "; "
              + operation
              + " skipped",
          null);
      return null;
    }
    long start = System.nanoTime();
    try {
      R r = call.get();
      long took = System.nanoTime() - start;
      if (cb != null) {
        cb.onSuccess(took, TimeUnit.NANOSECONDS);
      }
      metrics.backendCall(backend.name(), operation, took, true);
      return r;
    } catch (RuntimeException e) {
      long took = System.nanoTime() - start;
      if (entryKey != null && poisoned(entryKey, e)) {
        if (cb != null) {
          cb.releasePermission(); // the entry's fault, not the backend's
        }
        metrics.backendCall(backend.name(), operation, took, false);
        return null;
      }
      if (cb != null) {
        cb.onError(took, TimeUnit.NANOSECONDS, e);
      }
      failed(operation, e, took);
      return null;
    }
  }

  /**
   * Whether a failed read is the entry's fault: it failed before, and a tiny read now succeeds.
   * Such an entry (an oversized value planted under a real key, one that cannot be read within the
   * timeout) is deleted, which is always safe in a cache: the next read is a miss and refills it.
   * The first failure of a key counts as a backend failure, so a backend that is down for every key
   * still opens the breaker.
   */
  private boolean poisoned(String entryKey, RuntimeException e) {
    if (failedReads.getIfPresent(entryKey) == null) {
      failedReads.put(entryKey, Boolean.TRUE);
      return false;
    }
    try {
      backend.tagVersions(List.of(probeKey), false);
    } catch (RuntimeException probeFailed) {
      return false; // the backend itself fails: an ordinary failure
    }
    failedReads.invalidate(entryKey);
    boolean deleted;
    try {
      backend.delete(entryKey);
      deleted = true;
    } catch (RuntimeException deleteFailed) {
      deleted = false;
    }
    log.warn(
        "poison:" + entryKey,
        "LayerCache backend '"
            + backend.name()
            + "': reads of entry '"
            + entryKey
            + "' failed again while the backend answers other requests (a value too large to read"
            + " in time, or unreadable); "
            + (deleted ? "deleted it" : "could not delete it")
            + ", and its failures do not count toward the circuit breaker",
        e);
    return true;
  }

  /** The latest failure of a call, for callers that report it. */
  @Nullable RuntimeException lastFailure() {
    return lastFailure;
  }

  private volatile @Nullable RuntimeException lastFailure;

  private void failed(String operation, RuntimeException e, long took) {
    lastFailure = e;
    metrics.backendCall(backend.name(), operation, took, false);
    log.warn(
        "error:" + operation,
        "LayerCache backend '" + backend.name() + "' " + operation + " failed; treated as a miss",
        e);
  }
}
