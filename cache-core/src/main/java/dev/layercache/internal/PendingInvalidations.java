package dev.layercache.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tags whose bump could not be delivered. Until a retry delivers it, entries depending on them are
 * neither served nor filled, so an undeliverable invalidation never turns into a stale read.
 *
 * <p>Each addition gets a sequence number; a retry removes a tag only if no newer failure was
 * recorded for it after the retry began, because that retry may have reached the server before the
 * newer write committed.
 *
 * <p>A read must also know what was pending when it was <em>sent</em>: a retry may deliver a bump
 * while the read's reply is on its way, and that reply holds the versions from before the bump.
 * {@link #markBeforeRead()} taken before sending and {@link #deliveredSince(long)} checked after
 * the reply (and after the per-tag checks) tell such a read, which is then neither served nor used
 * as a snapshot.
 */
final class PendingInvalidations {
  private final ConcurrentMap<String, Long> pending = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  // Counts deliveries; raised before a delivered tag is removed, so whoever sees the removal sees
  // it.
  private final AtomicLong deliveries = new AtomicLong();

  /** What {@link #markBeforeRead()} returns while nothing is pending. */
  static final long NOTHING_PENDING = -1;

  private volatile boolean any;

  void add(List<String> tagKeys) {
    for (String k : tagKeys) {
      pending.put(k, sequence.incrementAndGet());
    }
    any = true;
  }

  /** Cheap check for the hot path. */
  boolean isEmpty() {
    return !any;
  }

  /** Whether a tag waits for delivery; a volatile read only while nothing does (the hot path). */
  boolean contains(String tagKey) {
    return any && pending.containsKey(tagKey);
  }

  /** The pending tags with their sequence numbers, for a retry. */
  Map<String, Long> snapshot() {
    return Map.copyOf(pending);
  }

  /**
   * Taken before a read is sent: {@link #NOTHING_PENDING} on the hot path, else the delivery count.
   */
  long markBeforeRead() {
    return any ? deliveries.get() : NOTHING_PENDING;
  }

  /**
   * Whether a retry delivered something since {@code mark}, which was taken while something was
   * pending: the read sent then may hold versions from before that bump.
   */
  boolean deliveredSince(long mark) {
    return mark != NOTHING_PENDING && deliveries.get() != mark;
  }

  /** Marks the tags of a delivered retry as done, unless re-added since. */
  void delivered(Map<String, Long> retried) {
    deliveries.incrementAndGet();
    for (Map.Entry<String, Long> e : retried.entrySet()) {
      pending.remove(e.getKey(), e.getValue());
    }
    if (pending.isEmpty()) {
      any = false;
      // A concurrent add may have landed between the check and the write above.
      if (!pending.isEmpty()) {
        any = true;
      }
    }
  }

  List<String> keys(Map<String, Long> snapshot) {
    return new ArrayList<>(snapshot.keySet());
  }
}
