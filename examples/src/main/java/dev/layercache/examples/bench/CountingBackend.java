package dev.layercache.examples.bench;

import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what moves between the application and a cache backend: bytes of entries read and written
 * (for a byte store what crosses the network, {@link StoredEntry#toBytes()}; for the local backend
 * the encoded payload size, since it keeps objects) and round trips.
 *
 * <p>Shared by both application servers of a run. {@link #close()} does nothing, because each
 * server's cache closes its backend; the run closes the real backend once with {@link
 * #closeShared()}. Thread-safe.
 */
public final class CountingBackend implements CacheBackend {
  private final CacheBackend delegate;
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder calls = new LongAdder();

  /**
   * Wraps a backend.
   *
   * @param delegate the real backend
   */
  public CountingBackend(CacheBackend delegate) {
    this.delegate = delegate;
  }

  /**
   * Bytes of entries read from the backend.
   *
   * @return the count
   */
  public long bytesRead() {
    return bytesRead.sum();
  }

  /**
   * Bytes of entries written to the backend.
   *
   * @return the count
   */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /**
   * Backend calls (round trips for a remote backend).
   *
   * @return the count
   */
  public long calls() {
    return calls.sum();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean isLocal() {
    return delegate.isLocal();
  }

  @Override
  public long maxEntryBytes() {
    return delegate.maxEntryBytes();
  }

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    calls.increment();
    return counted(delegate.read(entryKey, keyTagKey, tagKeys));
  }

  @Override
  public List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    calls.increment();
    List<BackendRead> reads = delegate.readAll(entryKeys, keyTagKeys, tagKeys);
    reads.forEach(this::counted);
    return reads;
  }

  private BackendRead counted(BackendRead read) {
    byte[] bytes = read.entryBytes();
    if (bytes != null) {
      bytesRead.add(bytes.length);
    } else {
      StoredEntry entry = read.entry();
      if (entry != null) {
        bytesRead.add(entry.payloadSize());
      }
    }
    return read;
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    calls.increment();
    return delegate.tagVersions(tagKeys, createAbsent);
  }

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    calls.increment();
    // A byte store sends toBytes(): encoding once more here counts exactly that, at the cost of a
    // copy that is small next to a network round trip. The local backend keeps the object.
    bytesWritten.add(delegate.isLocal() ? entry.payloadSize() : entry.toBytes().length);
    delegate.write(entryKey, entry, ttlMillis);
  }

  @Override
  public void delete(String entryKey) {
    calls.increment();
    delegate.delete(entryKey);
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    calls.increment();
    delegate.bumpTags(tagKeys);
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    calls.increment();
    delegate.lockTags(tagKeys, deadlineMillis);
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    calls.increment();
    delegate.unlockTags(tagKeys);
  }

  @Override
  public void evict(String entryKey, String keyTagKey) {
    calls.increment();
    delegate.evict(entryKey, keyTagKey);
  }

  /** Does nothing: the backend is shared; see {@link #closeShared()}. */
  @Override
  public void close() {}

  /** Closes the real backend, once both application servers are closed. */
  public void closeShared() {
    delegate.close();
  }
}
