package dev.layercache.testkit;

import dev.layercache.local.LocalBackend;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.StoredEntry;

/** The local backend passes the backend contract. */
class LocalBackendContractTest extends BackendContractTest {

  @Override
  protected CacheBackend createBackend() {
    return LocalBackend.builder().maximumSize(10_000).build();
  }

  @Override
  protected void loseTagVersion(CacheBackend backend, String tagKey) {
    ((LocalBackend) backend).evictTagVersion(tagKey);
  }

  @Override
  protected void plantForeignEntry(CacheBackend backend, String entryKey) {
    long now = System.currentTimeMillis();
    StoredEntry foreign =
        StoredEntry.create(
            (byte) 1,
            now,
            0,
            now + 60_000,
            new byte[] {1, 2, 3},
            new String[0],
            new long[0],
            "planted",
            null,
            9);
    backend.write(entryKey, foreign, 60_000);
  }
}
