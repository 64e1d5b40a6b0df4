package dev.layercache.memcached.internal;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Stores and returns bytes exactly as given: no compression, no serialization, flags 0. Entries are
 * already encoded by the core and tag versions are decimal text, so anything more would only cost.
 */
public final class RawBytes implements Transcoder<byte[]> {
  private final int maxSize;

  /**
   * Creates a transcoder.
   *
   * @param maxSize the largest value it encodes, in bytes
   */
  public RawBytes(int maxSize) {
    this.maxSize = maxSize;
  }

  @Override
  public boolean asyncDecode(CachedData d) {
    return false;
  }

  @Override
  public CachedData encode(byte[] o) {
    return new CachedData(0, o, maxSize);
  }

  @Override
  public byte[] decode(CachedData d) {
    return d.getData();
  }

  @Override
  public int getMaxSize() {
    return maxSize;
  }
}
