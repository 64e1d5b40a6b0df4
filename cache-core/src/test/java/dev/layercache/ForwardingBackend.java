package dev.layercache;

import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;
import java.util.List;

/**
 * A backend that forwards to another one; tests override single operations to inject faults or to
 * switch a protection off and show that the tests would catch it.
 */
class ForwardingBackend implements CacheBackend {
  final CacheBackend delegate;
  private final boolean local;

  ForwardingBackend(CacheBackend delegate, boolean local) {
    this.delegate = delegate;
    this.local = local;
  }

  @Override
  public String name() {
    return "forwarding";
  }

  @Override
  public boolean isLocal() {
    return local;
  }

  @Override
  public long maxEntryBytes() {
    return delegate.maxEntryBytes();
  }

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    return delegate.read(entryKey, keyTagKey, tagKeys);
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    return delegate.tagVersions(tagKeys, createAbsent);
  }

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    delegate.write(entryKey, entry, ttlMillis);
  }

  @Override
  public void delete(String entryKey) {
    delegate.delete(entryKey);
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    delegate.bumpTags(tagKeys);
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    delegate.lockTags(tagKeys, deadlineMillis);
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    delegate.unlockTags(tagKeys);
  }

  @Override
  public void evict(String entryKey, String keyTagKey) {
    delegate.evict(entryKey, keyTagKey);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
