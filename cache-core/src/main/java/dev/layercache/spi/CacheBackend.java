package dev.layercache.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Stores entries and tag versions for a {@link dev.layercache.LayerCache}. Implementations move
 * bytes (or, for an in-process backend, {@link StoredEntry} objects); they never decide whether an
 * entry is valid. That is the core's job, done once for every backend.
 *
 * <p>Contract, checked by the test kit's {@code BackendContractTest}:
 *
 * <ul>
 *   <li>{@link #read} returns the entry and the current versions of the named tags in <b>one round
 *       trip</b> where the server allows it. A version that is not stored reads as {@link
 *       BackendRead#ABSENT}.
 *   <li>{@link #tagVersions} with {@code createAbsent} stores a {@linkplain TagVersions#fresh()
 *       fresh unique} version for every absent tag (set-if-absent, so concurrent creators agree)
 *       and returns what is then stored.
 *   <li>{@link #bumpTags} gives every tag a version never used before, also when its version was
 *       absent (evicted, deleted, lost in a restart): a lost version must never let old entries
 *       become valid again.
 *   <li>{@link #lockTags} makes a tag read as {@link BackendRead#LOCKED} until as many {@link
 *       #unlockTags} calls or its deadline; a bump keeps the lock.
 *   <li>Tag versions must outlive the entries that depend on them, or be lost only together with a
 *       fresh re-creation as above.
 * </ul>
 *
 * <p>Implementations must be thread-safe. Remote backends should fail fast (timeouts in
 * milliseconds) and may throw any runtime exception; the core turns failures into misses.
 */
public interface CacheBackend extends AutoCloseable {

  /**
   * A short name for logs and metrics, such as {@code local} or {@code redis}.
   *
   * @return the name
   */
  String name();

  /**
   * Whether this backend lives in the application's memory and keeps {@link StoredEntry} objects
   * with their decoded values, instead of bytes. Such a backend is not timed or guarded by the
   * circuit breaker, and its hits never decode.
   *
   * @return true for an in-process backend
   */
  default boolean isLocal() {
    return false;
  }

  /**
   * The largest entry this backend can store, header included; larger values are rejected before
   * any I/O.
   *
   * @return a size in bytes
   */
  long maxEntryBytes();

  /**
   * Reads an entry and the versions of its key tag and of the given tags, in one round trip.
   *
   * @param entryKey the entry's key
   * @param keyTagKey the version key of the entry's own tag
   * @param tagKeys version keys of further tags the caller expects the entry to depend on
   * @return the entry (or none) and the versions
   */
  BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys);

  /**
   * Reads several entries with their key tags and a shared list of tags. Remote backends should do
   * this in one round trip per server; the default reads one by one.
   *
   * @param entryKeys the entries' keys
   * @param keyTagKeys the entries' own tag keys, in the same order
   * @param tagKeys version keys of tags shared by all entries
   * @return one read per entry key, in the same order
   */
  default List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    List<BackendRead> reads = new ArrayList<>(entryKeys.size());
    for (int i = 0; i < entryKeys.size(); i++) {
      reads.add(read(entryKeys.get(i), keyTagKeys.get(i), tagKeys));
    }
    return reads;
  }

  /**
   * Reads tag versions.
   *
   * @param tagKeys the version keys
   * @param createAbsent whether to create absent versions with a fresh unique value
   * @return the versions in the same order; {@link BackendRead#ABSENT} for absent ones when not
   *     creating
   */
  long[] tagVersions(List<String> tagKeys, boolean createAbsent);

  /**
   * Stores an entry, replacing any previous one.
   *
   * @param entryKey the key
   * @param entry the entry; remote backends store {@link StoredEntry#toBytes()}
   * @param ttlMillis time to live in milliseconds, at least 1
   */
  void write(String entryKey, StoredEntry entry, long ttlMillis);

  /**
   * Deletes an entry if present.
   *
   * @param entryKey the key
   */
  void delete(String entryKey);

  /**
   * Gives each tag a version never used before.
   *
   * @param tagKeys the version keys to bump
   */
  void bumpTags(List<String> tagKeys);

  /**
   * Marks tags as being written, from a writer's first change until {@link #unlockTags} or until
   * {@code deadlineMillis}: each tag gets a version never used before (as {@link #bumpTags} gives)
   * that reads as {@link BackendRead#LOCKED} until then, so no entry is served or stored for it
   * while the writer's transaction may commit. Locks nest: each call needs its own {@link
   * #unlockTags}, and the later deadline of two holds. Atomic per tag against concurrent lockers,
   * unlockers and bumps (a bump of a locked tag keeps the lock). {@link TagVersions#locked} and
   * {@link TagVersions#lockText} give the transitions and the stored form.
   *
   * <p>The default bumps only: a backend that cannot lock leaves the window between a transaction's
   * commit and its {@code unlockTags} open, as a plain invalidation at commit does.
   *
   * @param tagKeys the version keys
   * @param deadlineMillis wall-clock epoch milliseconds after which the lock counts for nothing
   */
  default void lockTags(List<String> tagKeys, long deadlineMillis) {
    bumpTags(tagKeys);
  }

  /**
   * Releases one {@link #lockTags} of each tag and gives it a version never used before; the tag
   * stays locked while other writers hold it ({@link TagVersions#unlocked}). A tag that is not
   * locked is bumped.
   *
   * @param tagKeys the version keys
   */
  default void unlockTags(List<String> tagKeys) {
    bumpTags(tagKeys);
  }

  /**
   * Evicts one entry: bumps its key tag, so a load that began earlier cannot store its value
   * afterwards, then deletes it. Backends may do both in one round trip.
   *
   * @param entryKey the entry's key
   * @param keyTagKey the entry's own tag key
   */
  default void evict(String entryKey, String keyTagKey) {
    bumpTags(List.of(keyTagKey));
    delete(entryKey);
  }

  /** Releases connections and threads. Idempotent. */
  @Override
  void close();
}
