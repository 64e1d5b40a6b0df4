package dev.layercache.internal;

import dev.layercache.CacheKey;
import dev.layercache.CacheLookup;
import dev.layercache.CacheLookup.MissReason;
import dev.layercache.CachePolicy;
import java.lang.reflect.Type;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The miss of a {@link CacheEngine#lookup}: the versions the lookup read, and what the computation
 * read while it was being recorded, until {@link #fill} stores the computed value with both.
 */
final class PendingFill<T> implements CacheLookup.Miss<T> {
  private final CacheEngine engine;
  final CacheKey key;
  final Type type;
  final CachePolicy policy;
  final String[] snapKeys;
  final long @Nullable [] snapshot;
  private final MissReason reason;

  private DependencyCapture.@Nullable Scope recording;
  private @Nullable Thread recorder;
  private boolean recorded;
  private Map<String, Long> versions = Map.of();
  private boolean foreign;
  private boolean filled;

  PendingFill(
      CacheEngine engine,
      CacheKey key,
      Type type,
      CachePolicy policy,
      String[] snapKeys,
      long @Nullable [] snapshot,
      MissReason reason) {
    this.engine = engine;
    this.key = key;
    this.type = type;
    this.policy = policy;
    this.snapKeys = snapKeys;
    this.snapshot = snapshot;
    this.reason = reason;
  }

  @Override
  public MissReason reason() {
    return reason;
  }

  @Override
  public synchronized CacheLookup.Miss<T> recordDependencies() {
    if (recorded || filled) {
      throw new IllegalStateException("the dependencies of '" + key + "' were recorded already");
    }
    recorded = true;
    recorder = Thread.currentThread();
    recording = DependencyCapture.open(engine.namespace());
    return this;
  }

  @Override
  public synchronized void endRecording() {
    DependencyCapture.Scope scope = recording;
    if (scope == null) {
      return;
    }
    if (recorder != Thread.currentThread()) {
      throw new IllegalStateException(
          "the recording of '" + key + "' must end on the thread that started it, " + recorder);
    }
    if (DependencyCapture.current() != scope) {
      throw new IllegalStateException(
          "the recording of '" + key + "' ends while one started after it is still open");
    }
    versions = Map.copyOf(scope.versions());
    foreign = scope.sawForeignNamespace();
    recording = null;
    recorder = null;
    scope.close();
  }

  @Override
  public boolean fill(@Nullable T value) {
    Map<String, Long> deps;
    boolean foreignReads;
    synchronized (this) {
      if (filled) {
        throw new IllegalStateException("'" + key + "' was filled already");
      }
      endRecording();
      filled = true;
      deps = versions;
      foreignReads = foreign;
    }
    return engine.fill(this, value, deps, foreignReads);
  }

  @Override
  public String toString() {
    return "Miss[" + key + ", " + reason + "]";
  }
}
