package dev.layercache.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.layercache.CacheConfigurationException;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import dev.layercache.spi.TagVersions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An in-process backend on Caffeine. It keeps {@link StoredEntry} objects with their decoded
 * values, so a hit never decodes: cached values must be treated as immutable (records are the
 * natural fit), since every reader receives the same instance.
 *
 * <p>Each entry holds references to the tag version objects it was stored with, so checking a hit
 * costs one Caffeine lookup and a few volatile reads. Tag versions live in a second bounded
 * Caffeine cache; a version evicted from it is marked dead first, so entries that depend on it can
 * never be served again, and a new one starts from a {@linkplain TagVersions#fresh() fresh} value.
 *
 * <pre>{@code
 * LocalBackend backend = LocalBackend.builder().maximumSize(100_000).build();
 * }</pre>
 *
 * Thread-safe.
 */
public final class LocalBackend implements CacheBackend {
  /** Entry count bound when neither a size nor a weight is set. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** Largest single entry accepted when none is set: 1 MiB. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1 << 20;

  // Rough per-entry bookkeeping (Caffeine node, LocalEntry, header) added to the weight.
  private static final int ENTRY_OVERHEAD_BYTES = 160;

  /**
   * Caffeine's clock for memory reclamation: the time of the latest write, not of each read.
   * Reading the system clock costs about as much as a whole hit, and hits need no fresh time here:
   * the core checks every entry's expiry against its own clock. Expired entries are reclaimed as
   * writes advance this time, or evicted by size.
   */
  private final WriteTimeTicker writeTime = new WriteTimeTicker();

  private final Cache<String, LocalEntry> entries;
  private final Cache<String, TagVersion> tags;
  private final long maxEntryBytes;

  private LocalBackend(Builder b) {
    Ticker ticker = b.ticker != null ? b.ticker : writeTime;
    // Maintenance runs on the calling thread: handing it to a pool wakes a thread (an unpark
    // system call) every few hundred reads, which costs more than the work itself.
    Caffeine<Object, Object> entryBuilder =
        Caffeine.newBuilder().ticker(ticker).executor(Runnable::run);
    long entryBound;
    if (b.maximumWeightBytes > 0) {
      entryBuilder
          .maximumWeight(b.maximumWeightBytes)
          .weigher(
              (String k, LocalEntry e) ->
                  ENTRY_OVERHEAD_BYTES + 2 * k.length() + e.entry.payloadSize());
      entryBound = Math.max(DEFAULT_MAXIMUM_SIZE, b.maximumWeightBytes / 256);
    } else {
      entryBuilder.maximumSize(b.maximumSize);
      entryBound = b.maximumSize;
    }
    this.entries =
        entryBuilder
            .expireAfter(
                new Expiry<String, LocalEntry>() {
                  @Override
                  public long expireAfterCreate(String key, LocalEntry value, long currentTime) {
                    return value.ttlNanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, LocalEntry value, long currentTime, long currentDuration) {
                    return value.ttlNanos;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, LocalEntry value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
    long tagBound = b.maximumTagVersions > 0 ? b.maximumTagVersions : 2 * entryBound + 10_000;
    this.tags =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            .maximumSize(tagBound)
            // Runs atomically with the eviction: no reader can see the version revived.
            .evictionListener(
                (String k, @Nullable TagVersion v, RemovalCause cause) -> {
                  if (v != null) {
                    v.kill();
                  }
                })
            .build();
    this.maxEntryBytes = b.maxEntryBytes;
  }

  /**
   * Starts a builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public boolean isLocal() {
    return true;
  }

  @Override
  public long maxEntryBytes() {
    return maxEntryBytes;
  }

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    LocalEntry e = entries.getIfPresent(entryKey);
    return e != null ? e : missRead;
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    long[] versions = new long[tagKeys.size()];
    for (int i = 0; i < versions.length; i++) {
      String k = tagKeys.get(i);
      TagVersion tv = createAbsent ? tags.get(k, x -> new TagVersion()) : tags.getIfPresent(k);
      versions[i] = tv == null ? BackendRead.ABSENT : tv.current();
    }
    return versions;
  }

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    writeTime.advance();
    TagVersion[] refs = new TagVersion[entry.tagCount()];
    for (int i = 0; i < refs.length; i++) {
      // A tag bumped or re-created since the snapshot gives a different value here, so the
      // entry is born stale and never served.
      refs[i] = tags.get(entry.tagKey(i), x -> new TagVersion());
    }
    entries.put(entryKey, new LocalEntry(entry, refs, TimeUnit.MILLISECONDS.toNanos(ttlMillis)));
  }

  @Override
  public void delete(String entryKey) {
    entries.invalidate(entryKey);
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    for (String k : tagKeys) {
      tags.asMap()
          .compute(
              k,
              (x, tv) -> {
                if (tv == null) {
                  return new TagVersion();
                }
                tv.increment();
                return tv;
              });
    }
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    for (String k : tagKeys) {
      tags.asMap()
          .compute(
              k,
              (x, tv) -> {
                TagVersion t = tv == null ? new TagVersion() : tv;
                t.lock(deadlineMillis);
                return t;
              });
    }
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    for (String k : tagKeys) {
      tags.asMap()
          .compute(
              k,
              (x, tv) -> {
                if (tv == null) {
                  return new TagVersion(); // lost with its lock: fresh, as after any loss
                }
                tv.unlock();
                return tv;
              });
    }
  }

  /**
   * Drops a tag version exactly as the bounded tag store does when it evicts one: entries that
   * depend on it can never be served again, and the next reader starts a fresh version. Useful to
   * test the protocol under eviction; applications never need it.
   *
   * @param tagKey the version key
   */
  public void evictTagVersion(String tagKey) {
    TagVersion tv = tags.asMap().remove(tagKey);
    if (tv != null) {
      tv.kill();
    }
  }

  /**
   * The number of entries currently held (approximate, for diagnostics).
   *
   * @return the entry count
   */
  public long size() {
    return entries.estimatedSize();
  }

  @Override
  public void close() {
    entries.invalidateAll();
    tags.invalidateAll();
  }

  private final BackendRead missRead =
      new BackendRead() {
        @Override
        public @Nullable StoredEntry entry() {
          return null;
        }

        @Override
        public byte @Nullable [] entryBytes() {
          return null;
        }

        @Override
        public long tagVersion(String tagKey) {
          TagVersion tv = tags.getIfPresent(tagKey);
          return tv == null ? ABSENT : tv.current();
        }
      };

  /** A stored entry with direct references to the versions of its tags. */
  private final class LocalEntry implements BackendRead {
    final StoredEntry entry;
    final TagVersion[] refs;
    final long ttlNanos;

    LocalEntry(StoredEntry entry, TagVersion[] refs, long ttlNanos) {
      this.entry = entry;
      this.refs = refs;
      this.ttlNanos = ttlNanos;
    }

    @Override
    public StoredEntry entry() {
      return entry;
    }

    @Override
    public byte @Nullable [] entryBytes() {
      return null;
    }

    @Override
    public long tagVersion(String tagKey) {
      for (int i = 0; i < refs.length; i++) {
        String k = entry.tagKey(i);
        if (k == tagKey || k.equals(tagKey)) {
          long v = refs[i].current();
          // A dead version was evicted from the tag store: report what the store holds now.
          return v != TagVersion.DEAD ? v : missRead.tagVersion(tagKey);
        }
      }
      return missRead.tagVersion(tagKey);
    }
  }

  /** A ticker that moves only when a write asks it to. */
  private static final class WriteTimeTicker implements Ticker {
    private volatile long nanos = System.nanoTime();

    void advance() {
      nanos = System.nanoTime();
    }

    @Override
    public long read() {
      return nanos;
    }
  }

  /**
   * A tag's current version; mutated only inside the tag map's atomic operations. While the tag is
   * locked, {@code value} is {@link BackendRead#LOCKED} and the lock's fields say until when, and
   * what it reads as afterwards; they are written before {@code value}, which publishes them.
   */
  private static final class TagVersion {
    private static final long DEAD = Long.MIN_VALUE + 1;

    volatile long value = TagVersions.fresh();
    private long lockCount;
    private volatile long lockDeadline;
    private volatile long afterDeadline;

    /** The version readers see. */
    long current() {
      long v = value;
      if (v != BackendRead.LOCKED) {
        return v;
      }
      return System.currentTimeMillis() < lockDeadline ? BackendRead.LOCKED : afterDeadline;
    }

    private boolean lockLive() {
      return value == BackendRead.LOCKED && System.currentTimeMillis() < lockDeadline;
    }

    // Not atomic by themselves: only called inside the tag map's compute, which serialises writers.
    void increment() {
      if (lockLive()) {
        afterDeadline = TagVersions.fresh(); // a bump keeps the lock
      } else if (value == BackendRead.LOCKED) {
        value = TagVersions.fresh();
      } else {
        value = value + 1;
      }
    }

    void lock(long deadlineMillis) {
      if (lockLive()) {
        lockCount = Math.min(lockCount + 1, TagVersions.Lock.MAX_COUNT);
        lockDeadline = Math.max(lockDeadline, deadlineMillis);
      } else {
        lockCount = 1;
        lockDeadline = deadlineMillis;
      }
      afterDeadline = TagVersions.fresh();
      value = BackendRead.LOCKED;
    }

    void unlock() {
      if (lockLive() && lockCount > 1) {
        lockCount--;
        afterDeadline = TagVersions.fresh();
      } else {
        lockCount = 0;
        value = TagVersions.fresh();
      }
    }

    void kill() {
      value = DEAD;
    }
  }

  /** Builds a {@link LocalBackend}. */
  public static final class Builder {
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private long maximumWeightBytes;
    private long maximumTagVersions;
    private long maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private @Nullable Ticker ticker;

    private Builder() {}

    /**
     * Bounds the backend by entry count.
     *
     * @param maximumSize at least 1
     * @return this builder
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new CacheConfigurationException("maximumSize must be at least 1, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      this.maximumWeightBytes = 0;
      return this;
    }

    /**
     * Bounds the backend by the encoded size of its values plus a per-entry overhead, instead of by
     * count.
     *
     * @param bytes at least 1 KiB
     * @return this builder
     */
    public Builder maximumWeightBytes(long bytes) {
      if (bytes < 1024) {
        throw new CacheConfigurationException(
            "maximumWeightBytes must be at least 1024, was " + bytes);
      }
      this.maximumWeightBytes = bytes;
      return this;
    }

    /**
     * Bounds the number of tag versions kept. Default: twice the entry bound plus 10,000. An
     * evicted tag version invalidates the entries that depend on it, so keep it generous.
     *
     * @param count at least 1
     * @return this builder
     */
    public Builder maximumTagVersions(long count) {
      if (count < 1) {
        throw new CacheConfigurationException(
            "maximumTagVersions must be at least 1, was " + count);
      }
      this.maximumTagVersions = count;
      return this;
    }

    /**
     * Sets the largest value accepted.
     *
     * @param bytes at least 1
     * @return this builder
     */
    public Builder maxEntryBytes(long bytes) {
      if (bytes < 1) {
        throw new CacheConfigurationException("maxEntryBytes must be at least 1, was " + bytes);
      }
      this.maxEntryBytes = bytes;
      return this;
    }

    /**
     * Sets the time source used for memory reclamation (tests). By default the backend uses the
     * time of its latest write, so that hits never read the system clock.
     *
     * @param ticker a Caffeine ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Returns the backend.
     *
     * @return a new backend
     */
    public LocalBackend build() {
      return new LocalBackend(this);
    }
  }
}
