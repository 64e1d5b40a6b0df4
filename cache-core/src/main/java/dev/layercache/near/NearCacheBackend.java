package dev.layercache.near;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.layercache.CacheConfigurationException;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.CorruptEntryException;
import dev.layercache.spi.InvalidationBus;
import dev.layercache.spi.InvalidationMessage;
import dev.layercache.spi.StoredEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A near cache: a small in-process level in front of a shared remote backend, kept coherent by an
 * {@link InvalidationBus}. A near hit costs no round trip and, since the level keeps the entry
 * object with the value decoded from it, no decoding after the first hit.
 *
 * <pre>{@code
 * RedisBackend redis = RedisBackend.builder().uri("redis://cache:6379").build();
 * CacheBackend near = NearCacheBackend.builder(redis,
 *         RedisInvalidationBus.builder().uri("redis://cache:6379").build())
 *     .maximumSize(10_000).ttl(Duration.ofSeconds(30)).build();
 * LayerCache cache = LayerCache.builder().namespace("blog").backend(near).build();
 * }</pre>
 *
 * <h2>Consistency</h2>
 *
 * An entry enters the level only after the remote backend confirmed every one of its tag versions,
 * and it holds references to this process's record of those tags. Every tag bump and eviction goes
 * to the remote backend first, is applied here at once (so a process always reads its own writes),
 * and is then published; other processes apply it when it arrives. What another process may still
 * serve from its near level is therefore bounded by the bus delay, and in every case by the level's
 * {@linkplain Builder#ttl TTL}. When the bus cannot vouch for delivery (the subscription is lost or
 * unhealthy, or a sender's message numbers show a gap) the level is cleared and bypassed until the
 * subscription is back. A reader that fetched an entry while an invalidation was being applied does
 * not keep it.
 *
 * <p>Values are shared between the callers that hit the same entry: treat them as immutable, as
 * with {@link dev.layercache.local.LocalBackend}.
 *
 * <p>Thread-safe.
 */
public final class NearCacheBackend implements CacheBackend {
  /** Entry count of the near level when none is set. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** How long an entry stays in the near level when no TTL is set: the worst-case staleness. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(NearCacheBackend.class);

  private final CacheBackend remote;
  private final InvalidationBus bus;
  private final boolean closeRemote;
  private final String sender = UUID.randomUUID().toString();
  private final AtomicLong sequence = new AtomicLong();
  private final Cache<String, NearEntry> entries;
  private final Cache<String, LocalTag> tags;

  /** Sequence numbers of the other senders, written by the bus thread only. */
  private final Cache<String, Long> lastSequence =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  /**
   * Counts invalidations applied here (clears included). A reader compares it before and after its
   * remote read: if anything was applied in between, what it read may already be outdated here.
   */
  private final AtomicLong applied = new AtomicLong();

  private volatile boolean live;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder bypassed = new LongAdder();
  private final LongAdder fills = new LongAdder();
  private final LongAdder messages = new LongAdder();
  private final LongAdder gaps = new LongAdder();
  private final LongAdder clears = new LongAdder();
  private final LongAdder lagSum = new LongAdder();
  private final AtomicLong maxLag = new AtomicLong();

  private NearCacheBackend(Builder b) {
    this.remote = b.remote;
    this.bus = b.bus;
    this.closeRemote = b.closeRemote;
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(b.maximumSize)
            .expireAfterWrite(b.ttl)
            .executor(Runnable::run)
            .build();
    this.tags =
        Caffeine.newBuilder()
            .maximumSize(2 * b.maximumSize + 10_000)
            .executor(Runnable::run)
            // An evicted record of a tag is killed first: entries holding it can never be served.
            .evictionListener(
                (String k, @Nullable LocalTag t, RemovalCause cause) -> {
                  if (t != null) {
                    t.kill();
                  }
                })
            .build();
    bus.subscribe(new BusListener());
  }

  /**
   * Starts a builder.
   *
   * @param remote the shared backend (Redis, Memcached)
   * @param bus the invalidation bus every process sharing {@code remote} publishes on
   * @return a builder
   */
  public static Builder builder(CacheBackend remote, InvalidationBus bus) {
    return new Builder(remote, bus);
  }

  @Override
  public String name() {
    return "near+" + remote.name();
  }

  @Override
  public long maxEntryBytes() {
    return remote.maxEntryBytes();
  }

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    if (!live) {
      bypassed.increment();
      return remote.read(entryKey, keyTagKey, tagKeys);
    }
    NearEntry near = entries.getIfPresent(entryKey);
    if (near != null) {
      if (near.alive()) {
        hits.increment();
        return near;
      }
      entries.asMap().remove(entryKey, near);
    }
    misses.increment();
    long before = applied.get();
    return keep(entryKey, remote.read(entryKey, keyTagKey, tagKeys), before);
  }

  @Override
  public List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    if (!live) {
      bypassed.add(entryKeys.size());
      return remote.readAll(entryKeys, keyTagKeys, tagKeys);
    }
    List<BackendRead> out = new ArrayList<>(entryKeys.size());
    List<Integer> missing = new ArrayList<>();
    List<String> missingKeys = new ArrayList<>();
    List<String> missingKeyTags = new ArrayList<>();
    for (int i = 0; i < entryKeys.size(); i++) {
      NearEntry near = entries.getIfPresent(entryKeys.get(i));
      if (near != null && near.alive()) {
        hits.increment();
        out.add(near);
      } else {
        out.add(null);
        missing.add(i);
        missingKeys.add(entryKeys.get(i));
        missingKeyTags.add(keyTagKeys.get(i));
      }
    }
    if (missing.isEmpty()) {
      return out;
    }
    misses.add(missing.size());
    long before = applied.get();
    List<BackendRead> fetched = remote.readAll(missingKeys, missingKeyTags, tagKeys);
    for (int m = 0; m < missing.size(); m++) {
      out.set(missing.get(m), keep(missingKeys.get(m), fetched.get(m), before));
    }
    return out;
  }

  /**
   * Keeps a remote entry in the near level if the remote backend vouches for all its tag versions
   * and nothing was invalidated here since {@code before}.
   */
  private BackendRead keep(String entryKey, BackendRead read, long before) {
    StoredEntry entry = read.entry();
    if (entry == null) {
      byte[] bytes = read.entryBytes();
      if (bytes == null) {
        return read;
      }
      try {
        entry = StoredEntry.fromBytes(bytes);
      } catch (CorruptEntryException e) {
        return read; // the core reports and deletes it
      }
    }
    int n = entry.tagCount();
    List<String> unread = null;
    for (int i = 0; i < n; i++) {
      long current = read.tagVersion(entry.tagKey(i));
      if (current == BackendRead.NOT_READ) {
        if (unread == null) {
          unread = new ArrayList<>();
        }
        unread.add(entry.tagKey(i));
      } else if (current != entry.tagVersion(i)) {
        return read; // stale remotely: the core rejects it
      }
    }
    if (unread != null && !confirm(entry, unread)) {
      return read;
    }
    LocalTag[] refs = new LocalTag[n];
    for (int i = 0; i < n; i++) {
      refs[i] = tags.get(entry.tagKey(i), k -> new LocalTag());
    }
    NearEntry near = new NearEntry(entry, refs);
    // Checked after the references were taken: an invalidation applied from here on kills them.
    if (live && applied.get() == before) {
      entries.put(entryKey, near);
      fills.increment();
    }
    return near;
  }

  /** Reads the versions the remote read did not return (tags the caller did not name). */
  private boolean confirm(StoredEntry entry, List<String> unread) {
    long[] current = remote.tagVersions(unread, false);
    for (int i = 0, u = 0; i < entry.tagCount() && u < current.length; i++) {
      if (entry.tagKey(i).equals(unread.get(u))) {
        if (current[u++] != entry.tagVersion(i)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    return remote.tagVersions(tagKeys, createAbsent);
  }

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    // Not kept here: it enters the near level on its first confirmed remote hit. What the level
    // held for the key (such as a soft-expired entry this write refreshes) makes way for it.
    remote.write(entryKey, entry, ttlMillis);
    entries.invalidate(entryKey);
  }

  @Override
  public void delete(String entryKey) {
    entries.invalidate(entryKey);
    remote.delete(entryKey);
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    remote.bumpTags(tagKeys);
    apply(tagKeys, List.of());
    publish(tagKeys, List.of());
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    remote.lockTags(tagKeys, deadlineMillis);
    apply(tagKeys, List.of());
    publish(tagKeys, List.of());
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    remote.unlockTags(tagKeys);
    apply(tagKeys, List.of());
    publish(tagKeys, List.of());
  }

  @Override
  public void evict(String entryKey, String keyTagKey) {
    remote.evict(entryKey, keyTagKey);
    apply(List.of(keyTagKey), List.of(entryKey));
    publish(List.of(keyTagKey), List.of(entryKey));
  }

  private void publish(List<String> tagKeys, List<String> entryKeys) {
    InvalidationMessage m =
        new InvalidationMessage(
            sender, sequence.incrementAndGet(), System.currentTimeMillis(), tagKeys, entryKeys);
    // A failure reaches the core, which keeps the tags bypassed and retries the whole bump.
    bus.publish(m);
  }

  /** Applies an invalidation to this process's level. */
  private void apply(List<String> tagKeys, List<String> entryKeys) {
    // Counted before the kills: a reader that took its references earlier sees them killed, a
    // reader that takes them later sees the count moved and keeps nothing.
    applied.incrementAndGet();
    for (String k : tagKeys) {
      LocalTag t = tags.getIfPresent(k);
      if (t != null) {
        // Killed before it leaves the map: a reader that takes it meanwhile keeps a dead entry.
        t.kill();
        tags.asMap().remove(k, t);
      }
    }
    for (String k : entryKeys) {
      entries.invalidate(k);
    }
  }

  private void clear() {
    applied.incrementAndGet();
    // Only records that are killed leave the map: one a reader creates meanwhile stays in it, so a
    // later invalidation of its tag still finds and kills it.
    for (Map.Entry<String, LocalTag> e : tags.asMap().entrySet()) {
      e.getValue().kill();
      tags.asMap().remove(e.getKey(), e.getValue());
    }
    entries.invalidateAll();
    clears.increment();
  }

  /**
   * What the near level has done so far.
   *
   * @return a snapshot of the counters
   */
  public NearCacheStats stats() {
    long n = messages.sum();
    return new NearCacheStats(
        live,
        hits.sum(),
        misses.sum(),
        bypassed.sum(),
        fills.sum(),
        n,
        gaps.sum(),
        clears.sum(),
        n == 0 ? 0 : (double) lagSum.sum() / n,
        maxLag.get(),
        entries.estimatedSize());
  }

  /**
   * The entries currently held (approximate).
   *
   * @return the count
   */
  public long size() {
    return entries.estimatedSize();
  }

  @Override
  public void close() {
    live = false;
    try {
      bus.close();
    } finally {
      clear();
      if (closeRemote) {
        remote.close();
      }
    }
  }

  /** Applies what the bus delivers; called from the bus's thread only. */
  private final class BusListener implements InvalidationBus.Listener {
    @Override
    public void connected() {
      // Anything published while we were not subscribed is unknown: start empty.
      clear();
      lastSequence.invalidateAll();
      live = true;
      LOG.info("near cache over {} is subscribed to invalidations", remote.name());
    }

    @Override
    public void disconnected(Throwable cause) {
      boolean wasLive = live;
      live = false;
      clear();
      if (wasLive) {
        LOG.warn(
            "near cache over {} lost its invalidation subscription ({}); reading from the"
                + " remote backend until it is back",
            remote.name(),
            cause.toString());
      }
    }

    @Override
    public void message(InvalidationMessage m) {
      if (m.sender().equals(sender)) {
        return; // applied when it was sent
      }
      long lag = Math.max(0, System.currentTimeMillis() - m.sentAtMillis());
      Long last = lastSequence.getIfPresent(m.sender());
      lastSequence.put(m.sender(), m.sequence());
      if (last != null && m.sequence() != last + 1) {
        clear();
        gaps.increment();
        LOG.warn(
            "near cache over {}: invalidation messages {} to {} of one sender were lost;"
                + " clearing the near level",
            remote.name(),
            last + 1,
            m.sequence() - 1);
      }
      apply(m.tagKeys(), m.entryKeys());
      // Counted once applied: a caller that sees the count move knows the message took effect.
      lagSum.add(lag);
      maxLag.accumulateAndGet(lag, Math::max);
      messages.increment();
    }
  }

  /** This process's record of one tag: killed when the tag is invalidated. */
  private static final class LocalTag {
    private volatile boolean dead;

    void kill() {
      dead = true;
    }

    boolean alive() {
      return !dead;
    }
  }

  /** An entry the remote backend confirmed, with the records of its tags it was confirmed under. */
  private static final class NearEntry implements BackendRead {
    final StoredEntry entry;
    final LocalTag[] refs;

    NearEntry(StoredEntry entry, LocalTag[] refs) {
      this.entry = entry;
      this.refs = refs;
    }

    boolean alive() {
      for (LocalTag t : refs) {
        if (!t.alive()) {
          return false;
        }
      }
      return true;
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
    public boolean sharesEntry() {
      return true;
    }

    @Override
    public long tagVersion(String tagKey) {
      for (int i = 0; i < entry.tagCount(); i++) {
        if (entry.tagKey(i).equals(tagKey)) {
          return refs[i].alive() ? entry.tagVersion(i) : BackendRead.NOT_READ;
        }
      }
      return BackendRead.NOT_READ;
    }
  }

  /** Builds a {@link NearCacheBackend}. */
  public static final class Builder {
    private final CacheBackend remote;
    private final InvalidationBus bus;
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private Duration ttl = DEFAULT_TTL;
    private boolean closeRemote = true;

    private Builder(CacheBackend remote, InvalidationBus bus) {
      this.remote = Objects.requireNonNull(remote, "remote");
      this.bus = Objects.requireNonNull(bus, "bus");
      if (remote.isLocal()) {
        throw new CacheConfigurationException(
            "a near cache fronts a remote backend; " + remote.name() + " is already local");
      }
    }

    /**
     * Bounds the near level by entry count.
     *
     * @param maximumSize at least 1
     * @return this builder
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new CacheConfigurationException("maximumSize must be at least 1, was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * How long an entry stays in the near level: the bound on staleness should the bus fail
     * silently.
     *
     * @param ttl positive
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      if (ttl == null || ttl.isNegative() || ttl.isZero()) {
        throw new CacheConfigurationException("near cache ttl must be positive, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Whether {@link NearCacheBackend#close} also closes the remote backend (default true); set
     * false when several near caches share one remote backend object.
     *
     * @param closeRemote true to close it
     * @return this builder
     */
    public Builder closeRemote(boolean closeRemote) {
      this.closeRemote = closeRemote;
      return this;
    }

    /**
     * Subscribes to the bus and returns the backend. The near level is bypassed until the
     * subscription is live.
     *
     * @return the backend
     */
    public NearCacheBackend build() {
      return new NearCacheBackend(this);
    }
  }
}
