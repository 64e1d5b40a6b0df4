package dev.layercache.internal;

import dev.layercache.BulkLoader;
import dev.layercache.CacheException;
import dev.layercache.CacheInvalidationException;
import dev.layercache.CacheKey;
import dev.layercache.CacheLookup;
import dev.layercache.CacheLookup.MissReason;
import dev.layercache.CachePolicy;
import dev.layercache.CacheSerializationException;
import dev.layercache.InvalidCacheKeyException;
import dev.layercache.LayerCache;
import dev.layercache.Loader;
import dev.layercache.ValueTooLargeException;
import dev.layercache.codec.ValueCodec;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.metrics.CacheMetrics.GetResult;
import dev.layercache.metrics.CacheMetrics.PutResult;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.CorruptEntryException;
import dev.layercache.spi.StoredEntry;
import java.lang.reflect.Array;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link LayerCache}: the invalidation protocol, expiry, single flight,
 * soft expiry and the failure policy, for every backend.
 */
public final class CacheEngine implements LayerCache {
  /** What {@link #serve} returns for an entry it does not serve, one instance per reason. */
  private static final class NotServed {
    private static final NotServed[] BY_REASON = new NotServed[MissReason.values().length];

    static {
      for (MissReason r : MissReason.values()) {
        BY_REASON[r.ordinal()] = new NotServed(r);
      }
    }

    final MissReason reason;

    private NotServed(MissReason reason) {
      this.reason = reason;
    }

    static NotServed of(MissReason reason) {
      return BY_REASON[reason.ordinal()];
    }
  }

  private final String namespace;
  private final CacheBackend backend;
  private final boolean local;
  private final ValueCodec codec;
  private final CacheMetrics metrics;
  private final BackendGuard guard;
  private final Clock clock;
  private final boolean strictInvalidation;
  private final long maxValueBytes;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final SingleFlight flights = new SingleFlight();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final Set<Type> verifiedTypes = ConcurrentHashMap.newKeySet();
  private final PendingInvalidations pending = new PendingInvalidations();
  private final ThrottledLog log;
  private @Nullable ScheduledExecutorService retryScheduler;
  private volatile boolean closed;

  /**
   * Creates the engine from validated settings.
   *
   * @param s the settings
   */
  public CacheEngine(EngineSettings s) {
    this.namespace = s.namespace();
    this.backend = s.backend();
    this.local = backend.isLocal();
    this.maxValueBytes =
        s.maxValueBytes() > 0
            ? Math.min(s.maxValueBytes(), backend.maxEntryBytes())
            : backend.maxEntryBytes();
    // First, before anything is started: a missing or unsupported Jackson fails the build here.
    ValueCodec c = s.codec();
    this.codec = c != null ? c : DefaultCodec.select(Math.max(maxValueBytes, 1024));
    this.metrics = new SafeMetrics(s.metrics());
    this.guard = new BackendGuard(s, metrics);
    this.clock = s.clock();
    this.strictInvalidation = s.strictInvalidation();
    this.log =
        new ThrottledLog(LoggerFactory.getLogger(LayerCache.class), s.logInterval().toNanos());
    Executor e = s.executor();
    if (e == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              0,
              Math.max(8, 4 * Runtime.getRuntime().availableProcessors()),
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              daemonThreads("layercache-" + namespace + "-"),
              new ThreadPoolExecutor.CallerRunsPolicy());
      this.ownedExecutor = pool;
      this.executor = pool;
    } else {
      this.ownedExecutor = null;
      this.executor = e;
    }
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public CacheBackend backend() {
    return backend;
  }

  /**
   * The codec values are encoded with (for type checks done ahead of use).
   *
   * @return the codec
   */
  public ValueCodec codec() {
    return codec;
  }

  /**
   * The circuit breaker's state (CLOSED, OPEN, HALF_OPEN, or DISABLED), for tests and health
   * checks.
   *
   * @return the state name
   */
  public String circuitBreakerState() {
    return guard.breakerState();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public <T> @Nullable T get(CacheKey key, Type type) {
    requireKey(key);
    requireArg(type, "type");
    String entryKey = key.entryKey(namespace);
    long mark = pending.markBeforeRead();
    BackendRead read = guard.read(entryKey, key.keyTagKey(namespace), List.of());
    if (read == null) {
      metrics.get(key.name(), GetResult.ERROR);
      ReadLog.miss(namespace, key, MissReason.UNAVAILABLE);
      return null;
    }
    Object value = serve(key, entryKey, read, mark, type, clock.millis(), null, null);
    if (value instanceof NotServed) {
      metrics.get(key.name(), GetResult.MISS);
      ReadLog.miss(namespace, key, ((NotServed) value).reason);
      return null;
    }
    return cast(value);
  }

  @Override
  public <T, E extends Exception> @Nullable T get(
      CacheKey key, Type type, CachePolicy policy, Loader<? extends T, E> loader) throws E {
    requireKey(key);
    requireArg(type, "type");
    requireArg(policy, "policy");
    requireArg(loader, "loader");
    String entryKey = key.entryKey(namespace);
    String keyTag = key.keyTagKey(namespace);
    List<String> tagKeys = policy.tagKeys(namespace);
    long mark = pending.markBeforeRead();
    BackendRead read = guard.read(entryKey, keyTag, tagKeys);
    if (read != null) {
      Object value = serve(key, entryKey, read, mark, type, clock.millis(), policy, loader);
      if (!(value instanceof NotServed)) {
        return cast(value);
      }
      metrics.get(key.name(), GetResult.MISS);
      ReadLog.miss(namespace, key, ((NotServed) value).reason);
    } else {
      metrics.get(key.name(), GetResult.ERROR);
      ReadLog.miss(namespace, key, MissReason.UNAVAILABLE);
    }
    String[] snapKeys = snapshotKeys(keyTag, tagKeys);
    long[] snapshot = read == null ? null : snapshot(read, mark, snapKeys);
    return loadThrough(key, entryKey, type, policy, loader, snapKeys, snapshot);
  }

  @Override
  public <T> CacheLookup<T> lookup(CacheKey key, Type type, CachePolicy policy) {
    requireKey(key);
    requireArg(type, "type");
    requireArg(policy, "policy");
    String entryKey = key.entryKey(namespace);
    String keyTag = key.keyTagKey(namespace);
    List<String> tagKeys = policy.tagKeys(namespace);
    long mark = pending.markBeforeRead();
    BackendRead read = guard.read(entryKey, keyTag, tagKeys);
    MissReason reason = MissReason.UNAVAILABLE;
    if (read != null) {
      Object value = serve(key, entryKey, read, mark, type, clock.millis(), null, null);
      if (!(value instanceof NotServed)) {
        return new CacheLookup.Hit<>(cast(value));
      }
      reason = ((NotServed) value).reason;
      metrics.get(key.name(), GetResult.MISS);
    } else {
      metrics.get(key.name(), GetResult.ERROR);
    }
    String[] snapKeys = snapshotKeys(keyTag, tagKeys);
    long[] snapshot = read == null ? null : snapshot(read, mark, snapKeys);
    if (snapshot == null && read != null) {
      reason = unfillableReason(read, snapKeys, reason);
    }
    ReadLog.miss(namespace, key, reason);
    // An enclosing load depends on what this lookup read, as on a nested read-through.
    recordInEnclosingLoad(snapshot == null ? null : new Dependencies(snapKeys, snapshot));
    return new PendingFill<>(this, key, type, policy, snapKeys, snapshot, reason);
  }

  /** Why a read's versions cannot be a snapshot: a tag being written or an invalidation pending. */
  private MissReason unfillableReason(BackendRead read, String[] snapKeys, MissReason otherwise) {
    for (String k : snapKeys) {
      if (pending.contains(k)) {
        return MissReason.BYPASSED;
      }
      if (read.tagVersion(k) == BackendRead.LOCKED) {
        return MissReason.LOCKED;
      }
    }
    return otherwise;
  }

  /** Stores what a {@link PendingFill} computed, with its snapshot and what it recorded. */
  boolean fill(
      PendingFill<?> fill, @Nullable Object value, Map<String, Long> recorded, boolean foreign) {
    long[] snapshot = fill.snapshot;
    Dependencies deps =
        Dependencies.merge(fill.snapKeys, snapshot, new Captured<>(value, recorded, foreign));
    if (deps == null) {
      ReadLog.notStored(
          namespace,
          fill.key,
          snapshot == null
              ? "its tag versions could not be read before computing (" + fill.reason() + ")"
              : "something it depends on changed while it was computed");
      return false;
    }
    boolean stored =
        store(
            fill.key,
            fill.key.entryKey(namespace),
            value,
            fill.type,
            fill.policy,
            deps.keys,
            deps.versions);
    ReadLog.filled(namespace, fill.key, stored);
    return stored;
  }

  private <T, E extends Exception> @Nullable T loadThrough(
      CacheKey key,
      String entryKey,
      Type type,
      CachePolicy policy,
      Loader<? extends T, E> loader,
      String[] snapKeys,
      long @Nullable [] snapshot)
      throws E {
    SingleFlight.Joined joined = flights.join(entryKey, snapshot);
    if (!joined.leader()) {
      SingleFlight.Outcome outcome = joined.flight().await();
      if (outcome != SingleFlight.Outcome.LOAD_YOURSELF
          && stillCurrent(outcome.dependencies, snapKeys)) {
        recordInEnclosingLoad(outcome.dependencies);
        ReadLog.joined(namespace, key);
        return cast(outcome.value);
      }
      // The leader failed (or we were interrupted): load ourselves, without storing, since our
      // snapshot may be older than what is now cached.
      Captured<T> own;
      try {
        own = capturedLoad(key, loader);
      } catch (Throwable t) {
        recordInEnclosingLoad(snapshot == null ? null : new Dependencies(snapKeys, snapshot));
        throw t;
      }
      recordInEnclosingLoad(Dependencies.merge(snapKeys, snapshot, own));
      return own.value;
    }
    Captured<T> loaded;
    try {
      loaded = capturedLoad(key, loader);
    } catch (Throwable t) {
      joined.flight().fail(t);
      // Whatever the loader read before failing was read at these versions; an enclosing load
      // that catches the failure and goes on depends on them.
      recordInEnclosingLoad(snapshot == null ? null : new Dependencies(snapKeys, snapshot));
      throw t;
    }
    Dependencies deps = null;
    try {
      deps = Dependencies.merge(snapKeys, snapshot, loaded);
      if (deps != null) {
        ReadLog.filled(
            namespace,
            key,
            store(key, entryKey, loaded.value, type, policy, deps.keys, deps.versions));
      } else {
        ReadLog.notStored(
            namespace,
            key,
            snapshot == null
                ? "its tag versions could not be read before loading (being written, pending or"
                    + " unavailable)"
                : "something it depends on changed while it loaded");
      }
      recordInEnclosingLoad(deps);
    } finally {
      joined.flight().complete(loaded.value, deps);
    }
    return loaded.value;
  }

  /**
   * Whether a leader's value may be handed to a follower. The follower read the same snapshot
   * versions, but the leader's loader may have depended on more (nested cached objects, queries):
   * one of those may have been invalidated after the leader read it and before the follower
   * arrived, so those versions are checked again. Null dependencies (nothing could be cached) are
   * not trusted either.
   */
  private boolean stillCurrent(@Nullable Dependencies deps, String[] snapKeys) {
    if (deps == null) {
      return false;
    }
    if (deps.keys.length == snapKeys.length) {
      return true; // only the snapshot, which the follower read itself
    }
    List<String> extra = new ArrayList<>();
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < deps.keys.length; i++) {
      if (!Arrays.asList(snapKeys).contains(deps.keys[i])) {
        extra.add(deps.keys[i]);
        expected.add(deps.versions[i]);
      }
    }
    for (String k : extra) {
      if (pending.contains(k)) {
        return false;
      }
    }
    long[] current = guard.tagVersions(extra, false);
    if (current == null) {
      return false;
    }
    for (int i = 0; i < current.length; i++) {
      if (current[i] != expected.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Runs a loader in a dependency scope of its own. */
  private <T, E extends Exception> Captured<T> capturedLoad(
      CacheKey key, Loader<? extends T, E> loader) throws E {
    try (DependencyCapture.Scope scope = DependencyCapture.open(namespace)) {
      T value = timedLoad(key, loader);
      if (scope.sawForeignNamespace()) {
        log.warn(
            "foreign:" + key.name(),
            "loader of '"
                + key.name()
                + "' read entries of another namespace; its value is not cached because their"
                + " invalidations cannot be checked here",
            null);
      }
      return new Captured<>(value, Map.copyOf(scope.versions()), scope.sawForeignNamespace());
    }
  }

  /**
   * Reports what a load depended on to the load that encloses it, if any (a nested assembler or a
   * query inside an assembler). Null dependencies mean "unknown": the enclosing value must not be
   * cached.
   */
  private void recordInEnclosingLoad(@Nullable Dependencies deps) {
    DependencyCapture.Scope outer = DependencyCapture.current();
    if (outer == null) {
      return;
    }
    if (deps == null) {
      outer.record(namespace, "~unknown", DependencyCapture.CONFLICT);
      return;
    }
    for (int i = 0; i < deps.keys.length; i++) {
      outer.record(namespace, deps.keys[i], deps.versions[i]);
    }
  }

  @Override
  public void markUncacheable(String reason) {
    DependencyCapture.Scope scope = DependencyCapture.current();
    if (scope != null) {
      scope.record(namespace, "~uncacheable", DependencyCapture.CONFLICT);
    }
  }

  @Override
  public void trackDependencies(Collection<String> tags) {
    requireArg(tags, "tags");
    DependencyCapture.Scope scope = DependencyCapture.current();
    if (scope == null || tags.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>(tags.size());
    for (String tag : tags) {
      keys.add(KeyEncoding.tagKey(namespace, tag));
    }
    long[] versions = null;
    if (keys.stream().noneMatch(pending::contains)) {
      versions = usable(guard.tagVersions(keys, true));
    }
    for (int i = 0; i < keys.size(); i++) {
      scope.record(
          namespace, keys.get(i), versions == null ? DependencyCapture.CONFLICT : versions[i]);
    }
  }

  /** A loaded value with the dependencies recorded while it loaded. */
  private static final class Captured<T> {
    final @Nullable T value;
    final Map<String, Long> captured;
    final boolean foreign;

    Captured(@Nullable T value, Map<String, Long> captured, boolean foreign) {
      this.value = value;
      this.captured = captured;
      this.foreign = foreign;
    }
  }

  /** The tag versions an entry is stored with: its snapshot plus what its loader depended on. */
  static final class Dependencies {
    final String[] keys;
    final long[] versions;

    Dependencies(String[] keys, long[] versions) {
      this.keys = keys;
      this.versions = versions;
    }

    /** Null if the value must not be cached: no snapshot, a conflict, or foreign reads. */
    static @Nullable Dependencies merge(
        String[] snapKeys, long @Nullable [] snapshot, Captured<?> loaded) {
      if (snapshot == null || loaded.foreign) {
        return null;
      }
      if (loaded.captured.isEmpty()) {
        return new Dependencies(snapKeys, snapshot);
      }
      Map<String, Long> all = new LinkedHashMap<>();
      for (int i = 0; i < snapKeys.length; i++) {
        all.put(snapKeys[i], snapshot[i]);
      }
      for (Map.Entry<String, Long> e : loaded.captured.entrySet()) {
        all.merge(
            e.getKey(),
            e.getValue(),
            (a, b) -> a.longValue() == b.longValue() ? a : DependencyCapture.CONFLICT);
      }
      String[] keys = new String[all.size()];
      long[] versions = new long[all.size()];
      int i = 0;
      for (Map.Entry<String, Long> e : all.entrySet()) {
        if (e.getValue() == DependencyCapture.CONFLICT) {
          // A dependency changed while loading: the value is stale already.
          return null;
        }
        keys[i] = e.getKey();
        versions[i++] = e.getValue();
      }
      return new Dependencies(keys, versions);
    }
  }

  private <T, E extends Exception> @Nullable T timedLoad(
      CacheKey key, Loader<? extends T, E> loader) throws E {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T value = loader.load();
      ok = true;
      return value;
    } finally {
      metrics.load(key.name(), ok, System.nanoTime() - start);
    }
  }

  /**
   * Returns the entry's value if it may be served, or a {@link NotServed} saying why not. Counts
   * the hit or the rejection, deletes unreadable entries, and schedules a soft-expiry reload.
   */
  private @Nullable Object serve(
      CacheKey key,
      String entryKey,
      BackendRead read,
      long pendingMark,
      Type type,
      long now,
      @Nullable CachePolicy policy,
      @Nullable Loader<?, ?> loader) {
    StoredEntry entry = read.entry();
    if (entry == null) {
      byte[] bytes = read.entryBytes();
      if (bytes == null) {
        return NotServed.of(MissReason.ABSENT);
      }
      try {
        entry = StoredEntry.fromBytes(bytes);
      } catch (CorruptEntryException e) {
        discard(key, entryKey, "unreadable entry: " + e.getMessage());
        return NotServed.of(MissReason.UNREADABLE);
      }
      if (entry.codecId() != codec.id()) {
        discard(key, entryKey, "entry written by codec " + entry.codecId());
        return NotServed.of(MissReason.UNREADABLE);
      }
    }
    if (!Arrays.equals(entry.fingerprint(), key.fingerprint())) {
      discard(key, entryKey, "key fingerprint mismatch (hash collision or foreign entry)");
      return NotServed.of(MissReason.UNREADABLE);
    }
    if (now >= entry.hardExpireAt()) {
      metrics.staleRejected(key.name());
      return NotServed.of(MissReason.EXPIRED);
    }
    if (!versionsMatch(entry, read, pendingMark)) {
      metrics.staleRejected(key.name());
      return NotServed.of(mismatchReason(entry, read, pendingMark));
    }
    Object value;
    if (entry.isNullValue()) {
      value = null;
    } else if (local) {
      value = entry.value();
      if (value == null || !rawClass(type).isInstance(value)) {
        log.warn(
            "type:" + key.name(),
            "cached value of '"
                + key.name()
                + "' is a "
                + (value == null ? "null" : value.getClass().getName())
                + ", not the requested "
                + type.getTypeName()
                + "; treated as a miss",
            null);
        return NotServed.of(MissReason.UNREADABLE);
      }
    } else if ((value = entry.decodedValue(type)) == null) {
      byte[] buffer = entry.payloadBuffer();
      try {
        value =
            buffer == null
                ? codec.decode(new byte[0], type)
                : codec.decode(buffer, entry.payloadOffset(), entry.payloadSize(), type);
      } catch (CacheSerializationException e) {
        discard(key, entryKey, "cannot decode as " + type.getTypeName() + ": " + e.getMessage());
        return NotServed.of(MissReason.UNREADABLE);
      }
      if (read.sharesEntry()) {
        entry.rememberDecoded(type, value);
      }
    }
    DependencyCapture.Scope scope = DependencyCapture.current();
    if (scope != null) {
      for (int i = 0; i < entry.tagCount(); i++) {
        scope.record(namespace, entry.tagKey(i), entry.tagVersion(i));
      }
    }
    long soft = entry.softExpireAt();
    if (soft != 0 && now >= soft && policy != null && loader != null) {
      metrics.get(key.name(), GetResult.STALE);
      ReadLog.softExpiredHit(namespace, key);
      refreshInBackground(key, entryKey, type, policy, loader);
    } else {
      metrics.get(key.name(), GetResult.HIT);
      ReadLog.hit(namespace, key);
    }
    return value;
  }

  /** Why an entry whose versions did not match is not served, for logs and lookups. */
  private MissReason mismatchReason(StoredEntry entry, BackendRead read, long pendingMark) {
    if (pending.deliveredSince(pendingMark)) {
      return MissReason.BYPASSED;
    }
    for (int i = 0; i < entry.tagCount(); i++) {
      String tagKey = entry.tagKey(i);
      if (pending.contains(tagKey)) {
        return MissReason.BYPASSED;
      }
      if (read.tagVersion(tagKey) == BackendRead.LOCKED) {
        return MissReason.LOCKED;
      }
    }
    return MissReason.STALE;
  }

  /**
   * Whether every tag version the entry was stored with is still current, and none was pending when
   * the read was sent ({@code pendingMark}).
   */
  private boolean versionsMatch(StoredEntry entry, BackendRead read, long pendingMark) {
    int n = entry.tagCount();
    List<String> unread = null;
    for (int i = 0; i < n; i++) {
      String tagKey = entry.tagKey(i);
      if (pending.contains(tagKey)) {
        return false;
      }
      long current = read.tagVersion(tagKey);
      if (current == BackendRead.NOT_READ) {
        if (unread == null) {
          unread = new ArrayList<>();
        }
        unread.add(tagKey);
      } else if (current != entry.tagVersion(i) || current <= 0) {
        // Versions are positive: an absent or unreadable one never validates an entry.
        return false;
      }
    }
    if (unread == null) {
      return !pending.deliveredSince(pendingMark); // checked after the per-tag checks
    }
    // The entry depends on tags the caller did not name: one more round trip for those.
    long[] current = guard.tagVersions(unread, false);
    if (current == null) {
      return false;
    }
    for (int i = 0, u = 0; i < n && u < current.length; i++) {
      if (entry.tagKey(i).equals(unread.get(u))) {
        long v = current[u++];
        if (v != entry.tagVersion(i) || v <= 0) {
          return false;
        }
      }
    }
    return !pending.deliveredSince(pendingMark);
  }

  private void discard(CacheKey key, String entryKey, String reason) {
    metrics.staleRejected(key.name());
    log.warn("discard:" + key.name(), "discarding entry of '" + key.name() + "': " + reason, null);
    guard.delete(entryKey);
  }

  private static String[] snapshotKeys(String keyTag, List<String> tagKeys) {
    String[] keys = new String[tagKeys.size() + 1];
    keys[0] = keyTag;
    for (int i = 0; i < tagKeys.size(); i++) {
      keys[i + 1] = tagKeys.get(i);
    }
    return keys;
  }

  /**
   * The versions to store a loaded value with, read before loading. Absent versions are created
   * (absent is never a snapshot). Null if they cannot be read, or a tag has an undelivered
   * invalidation: the value is then returned but not stored.
   */
  private long @Nullable [] snapshot(BackendRead read, long pendingMark, String[] keys) {
    long[] versions = new long[keys.length];
    List<String> absent = null;
    for (int i = 0; i < keys.length; i++) {
      if (pending.contains(keys[i])) {
        return null;
      }
      long v = read.tagVersion(keys[i]);
      versions[i] = v;
      if (v == BackendRead.LOCKED) {
        return null; // being written: what the loader reads may be replaced at any commit
      }
      // Versions are positive; anything else (absent, not read, a backend's dead marker) is
      // never a snapshot.
      if (v <= 0) {
        if (absent == null) {
          absent = new ArrayList<>();
        }
        absent.add(keys[i]);
      }
    }
    if (pending.deliveredSince(pendingMark)) {
      return null; // versions from before a bump delivered while the read was out
    }
    if (absent != null) {
      long[] created = guard.tagVersions(absent, true);
      if (created == null) {
        return null;
      }
      for (int i = 0, a = 0; i < keys.length && a < created.length; i++) {
        if (keys[i].equals(absent.get(a))) {
          versions[i] = created[a++];
          if (versions[i] <= 0) {
            return null; // creation refused (no memory): the value is returned, not stored
          }
        }
      }
    }
    return versions;
  }

  private long @Nullable [] freshSnapshot(String[] keys) {
    for (String k : keys) {
      if (pending.contains(k)) {
        return null;
      }
    }
    return usable(guard.tagVersions(Arrays.asList(keys), true));
  }

  /** The versions if each is a snapshot (positive: not absent, refused or being written). */
  private static long @Nullable [] usable(long @Nullable [] versions) {
    if (versions != null) {
      for (long v : versions) {
        if (v <= 0) {
          return null;
        }
      }
    }
    return versions;
  }

  private void refreshInBackground(
      CacheKey key, String entryKey, Type type, CachePolicy policy, Loader<?, ?> loader) {
    if (closed || !refreshing.add(entryKey)) {
      return;
    }
    Runnable task =
        () -> {
          try {
            String[] snapKeys = snapshotKeys(key.keyTagKey(namespace), policy.tagKeys(namespace));
            long[] snapshot = freshSnapshot(snapKeys);
            Captured<?> loaded = capturedLoad(key, loader);
            Dependencies deps = Dependencies.merge(snapKeys, snapshot, loaded);
            if (deps != null) {
              store(key, entryKey, loaded.value, type, policy, deps.keys, deps.versions);
            }
          } catch (Exception | Error e) {
            log.warn(
                "refresh:" + key.name(),
                "background reload of '"
                    + key.name()
                    + "' failed; the old value stays until its TTL",
                e);
          } finally {
            refreshing.remove(entryKey);
          }
        };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      refreshing.remove(entryKey);
    }
  }

  @Override
  public <T> CompletableFuture<@Nullable T> getAsync(
      CacheKey key, Type type, CachePolicy policy, Loader<? extends T, ?> loader) {
    requireKey(key);
    requireArg(type, "type");
    requireArg(policy, "policy");
    requireArg(loader, "loader");
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return get(key, type, policy, loader);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  @Override
  public <T> Map<CacheKey, T> getAll(Collection<CacheKey> keys, Type type) {
    requireArg(keys, "keys");
    requireArg(type, "type");
    List<CacheKey> list = distinct(keys);
    Map<CacheKey, T> hits = new LinkedHashMap<>();
    long mark = pending.markBeforeRead();
    List<BackendRead> reads = readAll(list, List.of());
    long now = clock.millis();
    for (int i = 0; i < list.size(); i++) {
      CacheKey key = list.get(i);
      BackendRead read = reads == null ? null : reads.get(i);
      Object value =
          read == null
              ? NotServed.of(MissReason.UNAVAILABLE)
              : serve(key, key.entryKey(namespace), read, mark, type, now, null, null);
      if (value instanceof NotServed) {
        metrics.get(key.name(), read == null ? GetResult.ERROR : GetResult.MISS);
      } else if (value != null) {
        hits.put(key, cast(value));
      }
    }
    return hits;
  }

  @Override
  public <T, E extends Exception> Map<CacheKey, T> getAll(
      Collection<CacheKey> keys, Type type, CachePolicy policy, BulkLoader<? extends T, E> loader)
      throws E {
    requireArg(keys, "keys");
    requireArg(type, "type");
    requireArg(policy, "policy");
    requireArg(loader, "loader");
    List<CacheKey> list = distinct(keys);
    List<String> tagKeys = policy.tagKeys(namespace);
    long mark = pending.markBeforeRead();
    List<BackendRead> reads = readAll(list, tagKeys);
    long now = clock.millis();
    Map<CacheKey, T> result = new LinkedHashMap<>();
    Map<CacheKey, long @Nullable []> missing = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      CacheKey key = list.get(i);
      BackendRead read = reads == null ? null : reads.get(i);
      Object value =
          read == null
              ? NotServed.of(MissReason.UNAVAILABLE)
              : serve(key, key.entryKey(namespace), read, mark, type, now, null, null);
      if (value instanceof NotServed) {
        metrics.get(key.name(), read == null ? GetResult.ERROR : GetResult.MISS);
        String[] snapKeys = snapshotKeys(key.keyTagKey(namespace), tagKeys);
        missing.put(key, read == null ? null : snapshot(read, mark, snapKeys));
      } else if (value != null) {
        result.put(key, cast(value));
      }
    }
    if (missing.isEmpty()) {
      return result;
    }
    Captured<? extends Map<CacheKey, ? extends T>> bulk =
        capturedLoad(list.get(0), () -> loader.loadAll(Set.copyOf(missing.keySet())));
    Map<CacheKey, ? extends T> loaded = bulk.value;
    for (Map.Entry<CacheKey, long @Nullable []> m : missing.entrySet()) {
      CacheKey key = m.getKey();
      T value = loaded == null ? null : loaded.get(key);
      if (value != null) {
        result.put(key, value);
      }
      String[] snapKeys = snapshotKeys(key.keyTagKey(namespace), tagKeys);
      Dependencies deps =
          Dependencies.merge(
              snapKeys, m.getValue(), new Captured<>(value, bulk.captured, bulk.foreign));
      if (deps != null) {
        store(key, key.entryKey(namespace), value, type, policy, deps.keys, deps.versions);
      }
      recordInEnclosingLoad(deps);
    }
    return result;
  }

  private @Nullable List<BackendRead> readAll(List<CacheKey> keys, List<String> tagKeys) {
    List<String> entryKeys = new ArrayList<>(keys.size());
    List<String> keyTags = new ArrayList<>(keys.size());
    for (CacheKey k : keys) {
      requireKey(k);
      entryKeys.add(k.entryKey(namespace));
      keyTags.add(k.keyTagKey(namespace));
    }
    List<BackendRead> reads = guard.readAll(entryKeys, keyTags, tagKeys);
    if (reads != null && reads.size() != keys.size()) {
      log.warn("readAll", "backend returned " + reads.size() + " reads for " + keys.size(), null);
      return null;
    }
    return reads;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public boolean put(CacheKey key, @Nullable Object value, CachePolicy policy) {
    requireKey(key);
    requireArg(policy, "policy");
    if (value == null && !policy.cacheNulls()) {
      throw new CacheSerializationException(
          "null value for '" + key.name() + "' but the policy does not cache nulls");
    }
    // Validate and encode before any I/O, so bad input fails fast and touches nothing.
    byte[] payload = value == null ? null : encode(key, value, value.getClass());
    String entryKey = key.entryKey(namespace);
    String keyTag = key.keyTagKey(namespace);
    // Bumping the key's own tag first makes any load that began earlier unable to overwrite us.
    if (!guard.bumpTags(List.of(keyTag))) {
      pendingBump(List.of(keyTag));
      metrics.put(key.name(), PutResult.ERROR);
      return false;
    }
    String[] snapKeys = snapshotKeys(keyTag, policy.tagKeys(namespace));
    long[] snapshot = freshSnapshot(snapKeys);
    if (snapshot == null) {
      metrics.put(key.name(), PutResult.ERROR);
      return false;
    }
    return write(key, entryKey, value, payload, policy, snapKeys, snapshot);
  }

  /**
   * Stores a loaded value if the policy allows it. Never throws: a value that cannot be stored is
   * counted and logged, and the caller keeps it.
   */
  private boolean store(
      CacheKey key,
      String entryKey,
      @Nullable Object value,
      Type type,
      CachePolicy policy,
      String[] snapKeys,
      long[] snapshot) {
    if ((value == null && !policy.cacheNulls()) || (!policy.cacheEmpty() && isEmpty(value))) {
      metrics.put(key.name(), PutResult.REJECTED);
      return false;
    }
    byte[] payload;
    try {
      payload = value == null ? null : encode(key, value, type);
    } catch (CacheException e) {
      metrics.put(key.name(), PutResult.REJECTED);
      log.warn("store:" + key.name(), "not caching '" + key.name() + "': " + e.getMessage(), null);
      return false;
    }
    return write(key, entryKey, value, payload, policy, snapKeys, snapshot);
  }

  /** Writes an entry; true if the backend stored it. */
  private boolean write(
      CacheKey key,
      String entryKey,
      @Nullable Object value,
      byte @Nullable [] payload,
      CachePolicy policy,
      String[] snapKeys,
      long[] snapshot) {
    long now = clock.millis();
    double stretch = 1 + policy.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    long ttl = Math.max(1, Math.round(policy.ttl().toMillis() * stretch));
    long soft =
        policy.softTtl() == null
            ? 0
            : now + Math.max(1, Math.round(policy.softTtl().toMillis() * stretch));
    int size = payload == null ? 0 : payload.length;
    StoredEntry entry =
        StoredEntry.create(
            codec.id(),
            now,
            soft,
            now + ttl,
            key.fingerprint(),
            snapKeys,
            snapshot,
            value,
            local ? null : payload,
            size);
    if (!local && entry.encodedSize() > backend.maxEntryBytes()) {
      // The payload fit, but not with the header: store nothing, the caller keeps its value.
      metrics.put(key.name(), PutResult.REJECTED);
      log.warn(
          "store:" + key.name(),
          "not caching '"
              + key.name()
              + "': entry of "
              + entry.encodedSize()
              + " bytes exceeds the backend's limit of "
              + backend.maxEntryBytes(),
          null);
      return false;
    }
    boolean stored = guard.write(entryKey, entry, ttl);
    metrics.put(key.name(), stored ? PutResult.STORED : PutResult.ERROR);
    return stored;
  }

  /** Encodes a value, checks its size, and on first use of a type checks it decodes back. */
  private byte[] encode(CacheKey key, Object value, Type type) {
    byte[] payload = codec.encode(value);
    if (payload.length > maxValueBytes) {
      throw new ValueTooLargeException(
          "value of '"
              + key.name()
              + "' encodes to "
              + payload.length
              + " bytes, over the limit of "
              + maxValueBytes);
    }
    if (!verifiedTypes.contains(type)) {
      // A type that encodes but cannot be rebuilt (no creator, say) would be a miss on every
      // read of a remote backend; find out once, at the first store, not at every read.
      codec.decode(payload, type);
      verifiedTypes.add(type);
    }
    return payload;
  }

  @Override
  public void evict(CacheKey key) {
    requireKey(key);
    String keyTag = key.keyTagKey(namespace);
    if (!guard.evict(key.entryKey(namespace), keyTag)) {
      undelivered("eviction of '" + key.name() + "'", List.of(keyTag), List.of(keyTag));
    }
    metrics.eviction(key.name());
  }

  @Override
  public void invalidateTags(String... tags) {
    requireArg(tags, "tags");
    invalidateTags(Arrays.asList(tags));
  }

  @Override
  public void invalidateTags(Collection<String> tags) {
    requireArg(tags, "tags");
    if (tags.isEmpty()) {
      return;
    }
    List<String> list = tagKeys(tags);
    if (guard.bumpTags(list)) {
      metrics.tagBumps(list.size());
    } else {
      undelivered("invalidation", list, tags);
    }
  }

  @Override
  public void lockTags(Collection<String> tags, Duration maxLockTime) {
    requireArg(tags, "tags");
    lock(tagKeys(tags), tags, maxLockTime);
  }

  @Override
  public void lockKeys(Collection<CacheKey> keys, Duration maxLockTime) {
    requireArg(keys, "keys");
    lock(keyTagKeys(keys), keys, maxLockTime);
  }

  @Override
  public void unlockKeys(Collection<CacheKey> keys) {
    requireArg(keys, "keys");
    unlock(keyTagKeys(keys));
  }

  private List<String> keyTagKeys(Collection<CacheKey> keys) {
    Set<String> tagKeys = new LinkedHashSet<>();
    for (CacheKey key : keys) {
      requireKey(key);
      tagKeys.add(key.keyTagKey(namespace));
    }
    return List.copyOf(tagKeys);
  }

  private void lock(List<String> keys, Collection<?> names, Duration maxLockTime) {
    requireArg(maxLockTime, "maxLockTime");
    if (maxLockTime.isNegative() || maxLockTime.isZero()) {
      throw new IllegalArgumentException("maxLockTime must be positive, was " + maxLockTime);
    }
    if (keys.isEmpty()) {
      return;
    }
    // Wall-clock time: every process compares the deadline with its own clock.
    long deadline = System.currentTimeMillis() + maxLockTime.toMillis();
    if (guard.lockTags(keys, deadline)) {
      metrics.tagBumps(keys.size());
    } else {
      List<String> shown = new ArrayList<>();
      for (Object name : names) {
        shown.add(String.valueOf(name));
      }
      undelivered("lock", keys, shown);
    }
  }

  @Override
  public void unlockTags(Collection<String> tags) {
    requireArg(tags, "tags");
    unlock(tagKeys(tags));
  }

  private void unlock(List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    if (guard.unlockTags(keys)) {
      metrics.tagBumps(keys.size());
    } else {
      // The retry bumps without unlocking: the lock, if delivered, then lasts until its deadline.
      pendingBump(keys);
    }
  }

  private List<String> tagKeys(Collection<String> tags) {
    Set<String> keys = new LinkedHashSet<>();
    for (String tag : tags) {
      keys.add(KeyEncoding.tagKey(namespace, tag));
    }
    return List.copyOf(keys);
  }

  @Override
  public CompletableFuture<Void> invalidateTagsAsync(Collection<String> tags) {
    requireArg(tags, "tags");
    List<String> copy = List.copyOf(tags);
    for (String tag : copy) {
      KeyEncoding.tagKey(namespace, tag); // bad input fails here, in the caller
    }
    return CompletableFuture.runAsync(() -> invalidateTags(copy), executor);
  }

  // ---------------------------------------------------------------- undelivered invalidations

  /** Keeps an undelivered invalidation for retry and, in strict mode, tells the caller. */
  private void undelivered(String what, List<String> tagKeys, Collection<String> names) {
    pendingBump(tagKeys);
    if (strictInvalidation) {
      RuntimeException cause = guard.lastFailure();
      throw new CacheInvalidationException(
          what
              + " of "
              + names
              + " was not delivered to backend '"
              + backend.name()
              + "'"
              + (cause == null ? "" : " (" + cause.getMessage() + ")")
              + "; this process bypasses the tags until a retry delivers it, other processes"
              + " may serve their entries until then",
          List.copyOf(names),
          cause);
    }
  }

  private void pendingBump(List<String> tagKeys) {
    pending.add(tagKeys);
    log.warn(
        "pending",
        "invalidation of "
            + tagKeys.size()
            + " tag(s) could not be delivered; affected entries bypass the cache until a retry"
            + " succeeds",
        null);
    scheduler().schedule(this::retryPending, 100, TimeUnit.MILLISECONDS);
  }

  private void retryPending() {
    if (closed || pending.isEmpty()) {
      return;
    }
    Map<String, Long> batch = pending.snapshot();
    if (batch.isEmpty()) {
      return;
    }
    if (guard.bumpTags(pending.keys(batch))) {
      pending.delivered(batch);
      metrics.tagBumps(batch.size());
    } else if (!closed) {
      scheduler().schedule(this::retryPending, 500, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized ScheduledExecutorService scheduler() {
    ScheduledExecutorService s = retryScheduler;
    if (s == null) {
      ScheduledThreadPoolExecutor pool =
          new ScheduledThreadPoolExecutor(1, daemonThreads("layercache-" + namespace + "-retry-"));
      pool.setRemoveOnCancelPolicy(true);
      s = pool;
      retryScheduler = s;
    }
    return s;
  }

  @Override
  public boolean hasPendingInvalidations() {
    return !pending.isEmpty();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    synchronized (this) {
      if (retryScheduler != null) {
        retryScheduler.shutdownNow();
      }
    }
    backend.close();
  }

  // ---------------------------------------------------------------- helpers

  private static void requireKey(@Nullable CacheKey key) {
    if (key == null) {
      throw new InvalidCacheKeyException("key is null");
    }
  }

  private static void requireArg(@Nullable Object arg, String name) {
    if (arg == null) {
      throw new CacheException(name + " is null");
    }
  }

  private static List<CacheKey> distinct(Collection<CacheKey> keys) {
    return new ArrayList<>(new LinkedHashSet<>(keys));
  }

  @SuppressWarnings("unchecked")
  private static <T> @Nullable T cast(@Nullable Object value) {
    return (T) value;
  }

  private static boolean isEmpty(@Nullable Object value) {
    if (value instanceof Optional<?>) {
      return ((Optional<?>) value).isEmpty();
    }
    if (value instanceof Collection<?>) {
      return ((Collection<?>) value).isEmpty();
    }
    if (value instanceof Map<?, ?>) {
      return ((Map<?, ?>) value).isEmpty();
    }
    return value != null && value.getClass().isArray() && Array.getLength(value) == 0;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?>) {
      return (Class<?>) type;
    }
    if (type instanceof ParameterizedType) {
      Type raw = ((ParameterizedType) type).getRawType();
      if (raw instanceof Class<?>) {
        return (Class<?>) raw;
      }
    }
    // Each Jackson's JavaType is asked only where that Jackson is present, since either may be
    // absent from the class path.
    if (JacksonLine.JACKSON_2.present()
        && type instanceof com.fasterxml.jackson.databind.JavaType) {
      return ((com.fasterxml.jackson.databind.JavaType) type).getRawClass();
    }
    if (JacksonLine.JACKSON_3.present() && type instanceof tools.jackson.databind.JavaType) {
      return ((tools.jackson.databind.JavaType) type).getRawClass();
    }
    return Object.class;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
