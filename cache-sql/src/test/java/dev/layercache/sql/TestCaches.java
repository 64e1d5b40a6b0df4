package dev.layercache.sql;

import dev.layercache.LayerCache;
import dev.layercache.local.LocalBackend;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/** Caches and data sources for tests. */
final class TestCaches {
  private TestCaches() {}

  /** A cache over the local backend (values kept as objects). */
  static LayerCache local() {
    return LayerCache.builder()
        .namespace("t" + UUID.randomUUID().toString().substring(0, 8))
        .backend(LocalBackend.builder().maximumSize(10_000).build())
        .build();
  }

  /** A cache whose backend stores encoded bytes, like Redis: every hit decodes through Jackson. */
  static LayerCache encoded() {
    return LayerCache.builder()
        .namespace("t" + UUID.randomUUID().toString().substring(0, 8))
        .backend(new Forwarding(LocalBackend.builder().maximumSize(10_000).build(), false))
        .build();
  }

  static JdbcDataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }

  /** A backend that forwards to another, optionally as a remote one, and can pause writes. */
  static class Forwarding implements CacheBackend {
    private final CacheBackend delegate;
    private final boolean local;
    volatile CountDownLatch writeReached = new CountDownLatch(0);
    volatile CountDownLatch releaseWrite = new CountDownLatch(0);

    Forwarding(CacheBackend delegate, boolean local) {
      this.delegate = delegate;
      this.local = local;
    }

    /** Makes the next entry write wait until {@link #release()}. */
    void pauseNextWrite() {
      writeReached = new CountDownLatch(1);
      releaseWrite = new CountDownLatch(1);
    }

    void awaitWrite() throws InterruptedException {
      if (!writeReached.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no write reached the backend");
      }
    }

    void release() {
      releaseWrite.countDown();
    }

    @Override
    public String name() {
      return "forwarding";
    }

    @Override
    public boolean isLocal() {
      return local;
    }

    @Override
    public long maxEntryBytes() {
      return delegate.maxEntryBytes();
    }

    @Override
    public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
      return delegate.read(entryKey, keyTagKey, tagKeys);
    }

    @Override
    public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
      return delegate.tagVersions(tagKeys, createAbsent);
    }

    @Override
    public void write(String entryKey, StoredEntry entry, long ttlMillis) {
      CountDownLatch reached = writeReached;
      CountDownLatch release = releaseWrite;
      reached.countDown();
      try {
        // No deadline: a write that went on without the release would break the race it stages;
        // a test that fails before releasing interrupts the writing thread.
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delegate.write(entryKey, entry, ttlMillis);
    }

    @Override
    public void delete(String entryKey) {
      delegate.delete(entryKey);
    }

    @Override
    public void bumpTags(List<String> tagKeys) {
      pauseIfArmed();
      delegate.bumpTags(tagKeys);
    }

    @Override
    public void lockTags(List<String> tagKeys, long deadlineMillis) {
      delegate.lockTags(tagKeys, deadlineMillis);
    }

    @Override
    public void unlockTags(List<String> tagKeys) {
      pauseIfArmed();
      delegate.unlockTags(tagKeys);
    }

    private volatile @Nullable Thread pausedThread;
    volatile CountDownLatch invalidationReached = new CountDownLatch(0);
    volatile CountDownLatch releaseInvalidation = new CountDownLatch(0);

    /**
     * Makes the next invalidation after a write (a bump or an unlock) that {@code thread} sends
     * wait until {@link #releaseInvalidation()}: the moment between a commit and its invalidation.
     */
    void pauseNextInvalidationFrom(Thread thread) {
      invalidationReached = new CountDownLatch(1);
      releaseInvalidation = new CountDownLatch(1);
      pausedThread = thread;
    }

    void awaitInvalidation() throws InterruptedException {
      if (!invalidationReached.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no invalidation reached the backend");
      }
    }

    void releaseInvalidation() {
      releaseInvalidation.countDown();
    }

    private void pauseIfArmed() {
      if (Thread.currentThread() != pausedThread) {
        return;
      }
      pausedThread = null;
      invalidationReached.countDown();
      try {
        if (!releaseInvalidation.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("paused invalidation never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
