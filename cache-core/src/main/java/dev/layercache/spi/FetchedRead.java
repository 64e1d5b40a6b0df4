package dev.layercache.spi;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BackendRead} holding bytes and versions fetched from a remote server, for backend
 * implementations.
 */
public final class FetchedRead implements BackendRead {
  private final byte @Nullable [] bytes;
  private final List<String> tagKeys;
  private final long[] versions;

  /**
   * Creates a read.
   *
   * @param bytes the entry's bytes, or null if it was not found
   * @param tagKeys the version keys that were read
   * @param versions their versions, {@link #ABSENT} where none is stored
   */
  public FetchedRead(byte @Nullable [] bytes, List<String> tagKeys, long[] versions) {
    if (tagKeys.size() != versions.length) {
      throw new IllegalArgumentException(
          tagKeys.size() + " tag keys but " + versions.length + " versions");
    }
    this.bytes = bytes;
    this.tagKeys = tagKeys;
    this.versions = versions;
  }

  @Override
  public @Nullable StoredEntry entry() {
    return null;
  }

  @Override
  public byte @Nullable [] entryBytes() {
    return bytes;
  }

  @Override
  public long tagVersion(String tagKey) {
    for (int i = 0; i < versions.length; i++) {
      if (tagKeys.get(i).equals(tagKey)) {
        return versions[i];
      }
    }
    return NOT_READ;
  }
}
