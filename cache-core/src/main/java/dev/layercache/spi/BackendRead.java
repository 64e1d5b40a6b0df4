package dev.layercache.spi;

import org.jspecify.annotations.Nullable;

/**
 * What one {@link CacheBackend#read} returned: the entry, if any, and the tag versions read with
 * it.
 */
public interface BackendRead {
  /** The version of a tag that has none stored. Never a valid version. */
  long ABSENT = 0L;

  /**
   * The version of a tag that is being written ({@link CacheBackend#lockTags}): no entry matches it
   * and it is never a snapshot, so nothing is served or stored for the tag until the writer unlocks
   * it or the lock's deadline passes.
   */
  long LOCKED = -2L;

  /** Returned by {@link #tagVersion} for a tag that was not part of the read. */
  long NOT_READ = Long.MIN_VALUE;

  /**
   * The entry object, for backends that keep objects ({@link CacheBackend#isLocal()}).
   *
   * @return the entry, or null if none or if the backend returns bytes
   */
  @Nullable StoredEntry entry();

  /**
   * The entry's bytes, for backends that store bytes.
   *
   * @return the bytes as written by {@link StoredEntry#toBytes()}, or null if none
   */
  byte @Nullable [] entryBytes();

  /**
   * The version of a tag read together with the entry.
   *
   * @param tagKey a version key
   * @return the version, {@link #ABSENT} if none is stored, {@link #NOT_READ} if the tag was not
   *     part of this read
   */
  long tagVersion(String tagKey);

  /**
   * Whether the {@link #entry()} object is kept and returned again by later reads (a near cache's
   * entries), so that the core remembers the value it decodes in it instead of decoding it at every
   * hit.
   *
   * @return true if the entry is shared between reads
   */
  default boolean sharesEntry() {
    return false;
  }
}
