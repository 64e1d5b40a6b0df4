package dev.layercache.spring.internal;

import dev.layercache.CacheException;
import dev.layercache.CacheKey;
import dev.layercache.LayerCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * When evictions, tag invalidations and explicit puts reach the cache, relative to the Spring
 * transaction they happen in. Inside a transaction ({@link
 * TransactionSynchronizationManager#isSynchronizationActive()}) the keys and tags are locked at
 * once (pre-invalidation: nothing is served or filled for them in any process) and, after the
 * commit, evicted, invalidated and unlocked; after a rollback only unlocked (the unlock invalidates
 * once more, as every unlock does). Without a transaction, a write whose start is seen (an
 * annotated method) is locked around its call; one reported as it happens is applied at once.
 *
 * <p>Thread-safe; the transaction is the calling thread's.
 */
public final class TransactionalInvalidation {
  private static final Logger LOG = LoggerFactory.getLogger("dev.layercache.spring");

  /** How invalidations are timed. Only {@link #FULL} is safe; the others show tests can fail. */
  public enum Timing {
    /** Locked at the call, applied at the commit (or at the call's return without transaction). */
    FULL,
    /** Applied after the commit, without locks, as Spring's TransactionAwareCacheDecorator. */
    AFTER_COMMIT_WITHOUT_LOCKS,
    /** Applied when reported, transaction or not, as a plain cache or proxy does. */
    IMMEDIATE
  }

  /** A call whose result decides the tags invalidated after it. */
  @FunctionalInterface
  public interface Call {
    /**
     * Runs the write.
     *
     * @return its result
     * @throws Throwable what it throws
     */
    @Nullable Object proceed() throws Throwable;
  }

  /** Tags named by a write's result, known once it returned. */
  @FunctionalInterface
  public interface ResultTags {
    /**
     * The tags.
     *
     * @param result the write's result
     * @return the tags
     */
    List<String> of(@Nullable Object result);
  }

  private final LayerCache cache;
  private final Duration maxLockTime;
  private final Timing timing;

  /**
   * Creates the timing for one cache.
   *
   * @param cache the cache
   * @param maxLockTime how long a lock holds at most (a transaction longer than this loses its
   *     protection for the rest of its run)
   * @param timing {@link Timing#FULL} outside tests
   */
  public TransactionalInvalidation(LayerCache cache, Duration maxLockTime, Timing timing) {
    this.cache = cache;
    this.maxLockTime = maxLockTime;
    this.timing = timing;
  }

  /**
   * Whether the calling thread is inside a Spring-managed transaction (or a transaction
   * synchronization scope).
   *
   * @return true if afterCommit callbacks can be registered
   */
  public static boolean inTransaction() {
    return TransactionSynchronizationManager.isSynchronizationActive();
  }

  /**
   * Runs a write whose keys and tags are known before it runs, invalidating around it.
   *
   * @param what the write, for logs (a method name, never arguments)
   * @param keys the keys it evicts
   * @param tags the tags it invalidates
   * @param resultTags further tags named by its result
   * @param call the write
   * @return the write's result
   * @throws Throwable what the write throws, or a {@code CacheInvalidationException} under strict
   *     invalidation if the lock was not taken (the write does not run then)
   */
  public @Nullable Object around(
      String what, List<CacheKey> keys, List<String> tags, ResultTags resultTags, Call call)
      throws Throwable {
    if (timing != Timing.FULL) {
      Object result = call.proceed();
      List<String> all = new ArrayList<>(tags);
      all.addAll(resultTags.of(result));
      if (timing == Timing.AFTER_COMMIT_WITHOUT_LOCKS && inTransaction()) {
        register(what, new Work(keys, all, false, null));
      } else {
        apply(keys, all);
      }
      return result;
    }
    boolean transaction = inTransaction();
    lock(keys, tags);
    Object result;
    try {
      result = call.proceed();
    } catch (Throwable t) {
      Work release = new Work(keys, tags, true, null);
      if (transaction) {
        release.onlyRelease = true;
        register(what, release);
      } else {
        release.release();
      }
      throw t;
    }
    List<String> late;
    try {
      late = resultTags.of(result);
      if (transaction && !late.isEmpty()) {
        lock(List.of(), late);
      }
    } catch (RuntimeException | Error e) {
      // The write ran: what it names cannot be known, but what was locked must not stay locked
      // until the deadline, and in a transaction it is still invalidated after the commit.
      Work release = new Work(keys, tags, true, null);
      if (transaction) {
        register(what, release);
      } else {
        try {
          apply(keys, List.of());
        } finally {
          release.release();
        }
      }
      throw e;
    }
    if (transaction) {
      List<String> all = new ArrayList<>(tags);
      all.addAll(late);
      register(what, new Work(keys, all, true, null));
      LOG.debug(
          "{}: {} key(s) and {} tag(s) locked until the transaction ends",
          what,
          keys.size(),
          all.size());
    } else {
      try {
        apply(keys, late);
      } finally {
        new Work(keys, tags, true, null).release();
      }
    }
    return result;
  }

  /**
   * An eviction or tag invalidation reported as it happens (Spring's {@code Cache.evict} and {@code
   * clear}): in a transaction locked now and applied after the commit, otherwise applied now.
   *
   * @param what the operation, for logs
   * @param keys the keys
   * @param tags the tags
   * @param alsoNow whether to apply it now too, inside a transaction ({@code evictIfPresent})
   */
  public void invalidate(String what, List<CacheKey> keys, List<String> tags, boolean alsoNow) {
    if (!inTransaction() || timing == Timing.IMMEDIATE) {
      apply(keys, tags);
      LOG.debug("{}: applied", what);
      return;
    }
    if (alsoNow) {
      apply(keys, tags);
    }
    boolean locked = timing == Timing.FULL;
    if (locked) {
      lock(keys, tags);
    }
    register(what, new Work(keys, tags, locked, null));
    LOG.debug("{}: deferred to the commit{}", what, locked ? ", locked until then" : "");
  }

  /**
   * An explicit put (Spring's {@code @CachePut}): in a transaction the key is locked now and
   * evicted after the commit (the next read fills it), unlocked after a rollback; otherwise stored
   * now. A value put inside a transaction is never stored: two transactions putting the same key
   * may see their ends run in either order, and the one that ends last need not hold the newer
   * value.
   *
   * @param what the operation, for logs
   * @param key the key
   * @param put stores the value
   */
  public void put(String what, CacheKey key, Runnable put) {
    if (!inTransaction() || timing == Timing.IMMEDIATE) {
      put.run();
      LOG.debug("{}: stored as current", what);
      return;
    }
    boolean locked = timing == Timing.FULL;
    if (locked) {
      lock(List.of(key), List.of());
    }
    register(what, new Work(List.of(key), List.of(), locked, null));
    LOG.debug("{}: put inside a transaction: the key is evicted after the commit", what);
  }

  /**
   * Runs a fill after the commit of the calling thread's transaction, or now without one. A fill
   * computed inside a transaction may hold what it wrote; stored only if it commits (and, like any
   * fill, only if nothing it depends on changed since its lookup).
   *
   * @param what the operation, for logs
   * @param fill stores the value
   */
  public void afterCommit(String what, Runnable fill) {
    if (!inTransaction() || timing == Timing.IMMEDIATE) {
      fill.run();
      return;
    }
    register(what, new Work(List.of(), List.of(), false, fill));
    LOG.debug("{}: fill deferred to the commit", what);
  }

  private void lock(List<CacheKey> keys, List<String> tags) {
    if (!keys.isEmpty()) {
      cache.lockKeys(keys, maxLockTime);
    }
    if (!tags.isEmpty()) {
      try {
        cache.lockTags(tags, maxLockTime);
      } catch (RuntimeException e) {
        if (!keys.isEmpty()) {
          cache.unlockKeys(keys); // nothing runs: release what was taken
        }
        throw e;
      }
    }
  }

  private void apply(List<CacheKey> keys, List<String> tags) {
    for (CacheKey key : keys) {
      cache.evict(key);
    }
    if (!tags.isEmpty()) {
      cache.invalidateTags(tags);
    }
  }

  private static void register(String what, Work work) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
          }

          @Override
          public void afterCompletion(int status) {
            // An unknown outcome (a commit that failed, or a callback run before an outer
            // transaction's end) may still commit: invalidate, store nothing, and leave the locks
            // to their deadline rather than unlock before the data is final.
            boolean committed = status == STATUS_COMMITTED;
            if (status == STATUS_UNKNOWN) {
              work.completeUnknown();
              LOG.warn(
                  "{}: the transaction's outcome is unknown; invalidated, and its locks hold until"
                      + " their deadline",
                  what);
              return;
            }
            work.complete(committed);
            LOG.debug(
                "{}: {} after {}",
                what,
                committed ? "applied" : "released",
                status == STATUS_COMMITTED
                    ? "the commit"
                    : status == STATUS_ROLLED_BACK ? "the rollback" : "an unknown outcome");
          }
        });
  }

  /** What a transaction's end applies: evictions, invalidations, unlocks and a deferred store. */
  private final class Work {
    final List<CacheKey> keys;
    final List<String> tags;
    final boolean locked;
    final @Nullable Runnable store;
    boolean onlyRelease;

    Work(List<CacheKey> keys, List<String> tags, boolean locked, @Nullable Runnable store) {
      this.keys = List.copyOf(keys);
      this.tags = List.copyOf(tags);
      this.locked = locked;
      this.store = store;
    }

    void complete(boolean committed) {
      // The transaction's outcome stands whatever happens here; failures are retried by the
      // cache (an undelivered invalidation bypasses the tags until delivered) and never thrown.
      try {
        if (committed && !onlyRelease && store == null) {
          apply(keys, tags);
        }
      } catch (CacheException e) {
        LOG.warn(
            "invalidation after the commit not delivered, retried by the cache: {}", e.toString());
      } finally {
        release();
      }
      if (committed && store != null) {
        store.run(); // after the unlock, which invalidated the key: the value stored is current
      }
    }

    void completeUnknown() {
      try {
        if (!onlyRelease) {
          apply(keys, tags);
        }
      } catch (CacheException e) {
        LOG.warn("invalidation after an unknown outcome not delivered: {}", e.toString());
      }
    }

    void release() {
      if (!locked) {
        return;
      }
      if (!keys.isEmpty()) {
        cache.unlockKeys(keys);
      }
      if (!tags.isEmpty()) {
        cache.unlockTags(tags);
      }
    }
  }
}
