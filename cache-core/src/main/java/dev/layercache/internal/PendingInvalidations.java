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
 */
final class PendingInvalidations {
  private final ConcurrentMap<String, Long> pending = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
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

  /** Marks the tags of a delivered retry as done, unless re-added since. */
  void delivered(Map<String, Long> retried) {
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
