package dev.layercache.spi;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Tag version values, for backend implementations. */
public final class TagVersions {
  private TagVersions() {}

  /**
   * A fresh version for a tag that has none: the current time in milliseconds shifted left by 20
   * bits plus 20 random bits. Later bumps add one. A version re-created after a loss starts above
   * every value the lost one could have reached unless it was bumped over a million times per
   * millisecond since its creation, so old snapshots never match again. Always positive, so never
   * {@link BackendRead#ABSENT}.
   *
   * @return a fresh version
   */
  public static long fresh() {
    return (System.currentTimeMillis() << 20) | ThreadLocalRandom.current().nextInt(1 << 20);
  }

  /**
   * Parses a stored tag value: a version as decimal text (as Redis and Memcached counters are), or
   * a {@linkplain #lockText write lock}, which reads as {@link BackendRead#LOCKED} until its
   * deadline and as the version it holds afterwards.
   *
   * @param text the stored text
   * @return the version, {@link BackendRead#LOCKED}, or {@link BackendRead#ABSENT} for anything
   *     else
   */
  public static long parse(byte[] text) {
    if (text.length > 0 && text[0] == LOCK_MARK) {
      Lock lock = Lock.parse(text);
      if (lock == null) {
        return BackendRead.ABSENT;
      }
      return lock.live(System.currentTimeMillis()) ? BackendRead.LOCKED : lock.version();
    }
    long v = 0;
    for (byte b : text) {
      if (b < '0' || b > '9') {
        return BackendRead.ABSENT;
      }
      v = v * 10 + (b - '0');
    }
    return v;
  }

  /** The first byte of a stored write lock; a version is digits only. */
  public static final byte LOCK_MARK = 'L';

  /**
   * The text a backend stores for a tag being written: {@code L<count>:<deadline>:<version>}, where
   * count is how many writers hold the lock, deadline the wall-clock time in epoch milliseconds
   * after which the lock counts for nothing, and version what the tag reads as after that deadline.
   *
   * @param lock the lock
   * @return ASCII text
   */
  public static byte[] lockText(Lock lock) {
    return ("L" + lock.count() + ":" + lock.deadlineMillis() + ":" + lock.version())
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * What {@link CacheBackend#lockTags} stores, given what is stored now: one more writer on a live
   * lock (the later deadline wins), otherwise a new lock held once. Either way the version changes,
   * so entries stored before no longer match.
   *
   * @param current the stored text, null if absent
   * @param deadlineMillis the new writer's deadline
   * @param nowMillis the wall-clock time now
   * @return the text to store
   */
  public static byte[] locked(byte @Nullable [] current, long deadlineMillis, long nowMillis) {
    Lock held = current == null ? null : Lock.parse(current);
    if (held != null && held.live(nowMillis)) {
      return lockText(
          new Lock(
              Math.min(held.count() + 1, Lock.MAX_COUNT),
              Math.max(held.deadlineMillis(), deadlineMillis),
              fresh()));
    }
    return lockText(new Lock(1, deadlineMillis, fresh()));
  }

  /**
   * What {@link CacheBackend#unlockTags} stores, given what is stored now: one writer fewer on a
   * live lock held more than once, otherwise a fresh version (no lock).
   *
   * @param current the stored text, null if absent
   * @param nowMillis the wall-clock time now
   * @return the text to store
   */
  public static byte[] unlocked(byte @Nullable [] current, long nowMillis) {
    Lock held = current == null ? null : Lock.parse(current);
    if (held != null && held.live(nowMillis) && held.count() > 1) {
      return lockText(new Lock(held.count() - 1, held.deadlineMillis(), fresh()));
    }
    return Long.toString(fresh()).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * What a bump stores over a value that is not a counter (where the server's increment refused
   * it): a write lock keeps its holders and deadline and takes a fresh version; anything else (a
   * value planted by another client) becomes a fresh version.
   *
   * @param current the stored text, null if absent
   * @return the text to store
   */
  public static byte[] bumped(byte @Nullable [] current) {
    Lock held = current == null ? null : Lock.parse(current);
    if (held != null) {
      return lockText(new Lock(held.count(), held.deadlineMillis(), fresh()));
    }
    return Long.toString(fresh()).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A stored write lock.
   *
   * @param count how many writers hold it
   * @param deadlineMillis wall-clock epoch milliseconds after which it counts for nothing
   * @param version what the tag reads as after the deadline
   */
  public record Lock(long count, long deadlineMillis, long version) {
    /** More writers than this on one tag are counted as this many; the deadline still bounds it. */
    public static final long MAX_COUNT = 1_000_000;

    /**
     * Whether the lock still holds.
     *
     * @param nowMillis the wall-clock time now
     * @return true before the deadline
     */
    public boolean live(long nowMillis) {
      return nowMillis < deadlineMillis;
    }

    /**
     * Parses {@link #lockText}.
     *
     * @param text stored text
     * @return the lock, or null if the text is not one
     */
    public static @Nullable Lock parse(byte[] text) {
      if (text.length < 6 || text[0] != LOCK_MARK) {
        return null;
      }
      long[] parts = new long[3];
      int part = 0;
      int digits = 0;
      for (int i = 1; i < text.length; i++) {
        byte b = text[i];
        if (b == ':' && part < 2 && digits > 0) {
          part++;
          digits = 0;
        } else if (b >= '0' && b <= '9' && digits < 19) {
          // Nineteen digits fit in a long but for those above Long.MAX_VALUE, which wrap below 0.
          parts[part] = parts[part] * 10 + (b - '0');
          digits++;
        } else {
          return null;
        }
      }
      if (part != 2 || digits == 0 || parts[0] < 1 || parts[1] < 0 || parts[2] < 1) {
        return null;
      }
      return new Lock(parts[0], parts[1], parts[2]);
    }
  }
}
