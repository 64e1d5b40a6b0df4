package dev.layercache.spring.internal;

import dev.layercache.CacheKey;
import dev.layercache.CacheLookup;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a method Spring caches, seen from around Spring's cache interceptor: which method it
 * is (so a cache knows the type to decode), where the call stands, and the misses its lookups
 * returned, so that Spring's {@code put} after the method fills the miss looked up before it (with
 * the tag versions read then) instead of storing the value as current, and so that what the method
 * read is recorded as the value's dependencies. The current call of a thread is a thread-local;
 * calls nest.
 */
final class CacheCall {
  private static final Logger LOG = LoggerFactory.getLogger("dev.layercache.spring");
  private static final ThreadLocal<@Nullable CacheCall> CURRENT = new ThreadLocal<>();

  /** Where the call stands relative to the method Spring caches. */
  enum Stage {
    /** Spring looks the caches up. */
    BEFORE,
    /** The method runs: cache calls now are the method's own, not Spring's. */
    BODY,
    /** Spring stores or evicts. */
    AFTER
  }

  /** A lookup's miss, until a put fills it. */
  private static final class Pending {
    final NamedCache cache;
    final CacheKey key;
    final CacheLookup.Miss<Object> miss;
    final boolean inTransaction;
    boolean claimed;
    boolean recording;

    Pending(NamedCache cache, CacheKey key, CacheLookup.Miss<Object> miss, boolean inTransaction) {
      this.cache = cache;
      this.key = key;
      this.miss = miss;
      this.inTransaction = inTransaction;
    }
  }

  /** A miss claimed by a put, with whether its lookup ran inside a transaction. */
  static final class Claim {
    final CacheLookup.Miss<Object> miss;
    final boolean inTransaction;

    Claim(CacheLookup.Miss<Object> miss, boolean inTransaction) {
      this.miss = miss;
      this.inTransaction = inTransaction;
    }
  }

  final Method method;
  final @Nullable Type valueType;
  final Collection<String> cacheNames;
  final boolean async;
  private final List<Pending> pending = new ArrayList<>(2);
  private volatile Stage stage = Stage.BEFORE;
  private @Nullable CacheCall outer;

  CacheCall(Method method, @Nullable Type valueType, Collection<String> cacheNames, boolean async) {
    this.method = method;
    this.valueType = valueType;
    this.cacheNames = cacheNames;
    this.async = async;
  }

  static @Nullable CacheCall current() {
    return CURRENT.get();
  }

  /** Makes this the calling thread's current call, until {@link #leave()}. */
  void enter() {
    outer = CURRENT.get();
    CURRENT.set(this);
  }

  void leave() {
    CURRENT.set(outer);
    outer = null;
  }

  /** Runs code (Spring's put after an asynchronous result) as part of this call. */
  void within(Runnable r) {
    if (CURRENT.get() == this) {
      r.run();
      return;
    }
    CacheCall previous = CURRENT.get();
    CURRENT.set(this);
    try {
      r.run();
    } finally {
      CURRENT.set(previous);
    }
  }

  Stage stage() {
    return stage;
  }

  void bodyStarts() {
    stage = Stage.BODY;
  }

  void bodyEnded() {
    stage = Stage.AFTER;
    endRecordings();
  }

  /**
   * The type Spring's own cache calls in this call decode as, for a cache this method names; null
   * inside the method (its own cache calls are not Spring's) or for a cache it does not name.
   */
  @Nullable Type valueTypeFor(String cacheName) {
    return stage != Stage.BODY && cacheNames.contains(cacheName) ? valueType : null;
  }

  /**
   * Remembers a miss of Spring's lookup before the method, and starts recording what the method
   * reads (not for asynchronous methods, whose reads happen on other threads).
   */
  synchronized void missed(
      NamedCache cache, CacheKey key, CacheLookup.Miss<Object> miss, boolean inTransaction) {
    if (stage != Stage.BEFORE) {
      return;
    }
    Pending p = new Pending(cache, key, miss, inTransaction);
    if (!async) {
      miss.recordDependencies();
      p.recording = true;
    }
    pending.add(p);
  }

  /** The miss a put after the method fills: looked up by Spring before it, for this key. */
  synchronized @Nullable Claim claim(NamedCache cache, CacheKey key) {
    if (stage != Stage.AFTER) {
      return null;
    }
    for (Pending p : pending) {
      if (!p.claimed && p.cache == cache && p.key.equals(key)) {
        p.claimed = true;
        return new Claim(p.miss, p.inTransaction);
      }
    }
    return null;
  }

  /** Ends the recordings, latest first, as they nest. */
  synchronized void endRecordings() {
    for (int i = pending.size() - 1; i >= 0; i--) {
      Pending p = pending.get(i);
      if (p.recording) {
        p.recording = false;
        try {
          p.miss.endRecording();
        } catch (IllegalStateException e) {
          // A recording that cannot end in order would record the wrong reads: never filled.
          p.claimed = true;
          LOG.warn("{}: not cached: {}", method.getName(), e.getMessage());
        }
      }
    }
  }
}
