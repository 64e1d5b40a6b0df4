package dev.layercache.examples.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Detects stale reads. Writers {@linkplain #recordCommitted record} each version they committed,
 * once their transaction and the cache invalidation have returned. A reader takes a {@linkplain
 * #begin ticket} before it sends a request and {@linkplain #check checks} the answer with it: every
 * version in the answer must be at least the newest version recorded before the ticket was taken.
 * An older one is a stale read: the cache served data that a completed write had replaced.
 *
 * <p>Writes recorded after the ticket are not required (the request may have overtaken them). Each
 * entity keeps its last {@value #HISTORY} records; if all of them are newer than a ticket, the
 * entity is counted as unchecked for that read rather than guessed. Thread-safe.
 */
public final class StaleReadChecker {
  /** How many committed versions each entity remembers. */
  public static final int HISTORY = 8;

  private static final int EXAMPLES = 10;

  private final AtomicLong clock = new AtomicLong();
  private final Map<String, History> histories = new ConcurrentHashMap<>();
  private final LongAdder checked = new LongAdder();
  private final LongAdder unchecked = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final AtomicLong maxStaleNanos = new AtomicLong();
  private final List<String> examples = Collections.synchronizedList(new ArrayList<>());

  /**
   * Takes a ticket before a request is sent.
   *
   * @return the ticket
   */
  public long begin() {
    return clock.get();
  }

  /**
   * Records versions a write committed; call after the write (and its invalidation) returned.
   *
   * @param committed entity names mapped to committed versions
   */
  public void recordCommitted(Map<String, Long> committed) {
    for (Map.Entry<String, Long> e : committed.entrySet()) {
      History h = histories.computeIfAbsent(e.getKey(), k -> new History());
      synchronized (h) {
        // The time is taken under the entity's lock so records of one entity are in time order.
        h.add(e.getValue(), clock.incrementAndGet(), System.nanoTime());
      }
    }
  }

  /**
   * Checks an answer read with a ticket.
   *
   * @param ticket what {@link #begin()} returned before the request
   * @param versions the versions the answer was built from
   * @param what names the request, for the examples of stale reads
   * @return how many entities of the answer were stale
   */
  public int check(long ticket, Map<String, Long> versions, String what) {
    int found = 0;
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      History h = histories.get(e.getKey());
      if (h == null) {
        checked.increment();
        continue;
      }
      long required;
      long requiredSince;
      synchronized (h) {
        required = h.requiredAt(ticket);
        requiredSince = h.recordedNanos(required);
      }
      if (required == History.UNKNOWN) {
        unchecked.increment();
        continue;
      }
      checked.increment();
      if (e.getValue() < required) {
        found++;
        stale.increment();
        maxStaleNanos.accumulateAndGet(System.nanoTime() - requiredSince, Math::max);
        if (examples.size() < EXAMPLES) {
          examples.add(
              what
                  + ": "
                  + e.getKey()
                  + " served at version "
                  + e.getValue()
                  + ", but version "
                  + required
                  + " was committed before the request");
        }
      }
    }
    return found;
  }

  /**
   * Stale entities found so far.
   *
   * @return the count
   */
  public long staleReads() {
    return stale.sum();
  }

  /**
   * How long after its replacement was recorded the oldest stale answer was checked: for caches
   * whose staleness is bounded by design (a near cache and its bus), the bound observed.
   *
   * @return milliseconds, 0 if nothing was stale
   */
  public double maxStaleMillis() {
    return maxStaleNanos.get() / 1e6;
  }

  /**
   * Entity versions checked so far.
   *
   * @return the count
   */
  public long checkedVersions() {
    return checked.sum();
  }

  /**
   * Entity versions that could not be checked because their history had moved on.
   *
   * @return the count
   */
  public long uncheckedVersions() {
    return unchecked.sum();
  }

  /**
   * Descriptions of the first stale reads found.
   *
   * @return up to ten lines
   */
  public List<String> examples() {
    synchronized (examples) {
      return List.copyOf(examples);
    }
  }

  /** The last committed versions of one entity with the time they were recorded. */
  private static final class History {
    static final long UNKNOWN = Long.MIN_VALUE;

    final long[] versions = new long[HISTORY];
    final long[] times = new long[HISTORY];
    final long[] nanos = new long[HISTORY];
    int size;
    int next;

    void add(long version, long time, long nanoTime) {
      versions[next] = version;
      times[next] = time;
      nanos[next] = nanoTime;
      next = (next + 1) % HISTORY;
      size = Math.min(size + 1, HISTORY);
    }

    /** When a version was recorded ({@link System#nanoTime()}); now if it is not in the history. */
    long recordedNanos(long version) {
      for (int i = 0; i < size; i++) {
        if (versions[i] == version) {
          return nanos[i];
        }
      }
      return System.nanoTime();
    }

    /** The newest version recorded at or before the ticket; 0 if none was; UNKNOWN if forgotten. */
    long requiredAt(long ticket) {
      long best = 0;
      boolean anyBefore = false;
      for (int i = 0; i < size; i++) {
        if (times[i] <= ticket) {
          anyBefore = true;
          best = Math.max(best, versions[i]);
        }
      }
      if (!anyBefore && size == HISTORY) {
        return UNKNOWN;
      }
      return best;
    }
  }
}
