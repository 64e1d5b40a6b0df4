package dev.layercache.memcached;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.transcoders.Transcoder;

/** The contract's hooks, done with a client of their own as another application would. */
final class MemcachedContractHooks {
  private MemcachedContractHooks() {}

  static void delete(MemcachedClient client, String key) {
    get(client.delete(key));
  }

  static void plant(MemcachedClient client, String key, byte[] value) {
    get(client.set(key, 600, value, RAW));
  }

  static byte[] read(MemcachedClient client, String key) {
    return client.get(key, RAW);
  }

  private static <T> T get(java.util.concurrent.Future<T> f) {
    try {
      return f.get(MemcachedTestSupport.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes as they are, with flags 0. */
  static final Transcoder<byte[]> RAW =
      new Transcoder<>() {
        @Override
        public boolean asyncDecode(CachedData d) {
          return false;
        }

        @Override
        public CachedData encode(byte[] o) {
          return new CachedData(0, o, CachedData.MAX_SIZE);
        }

        @Override
        public byte[] decode(CachedData d) {
          return d.getData();
        }

        @Override
        public int getMaxSize() {
          return CachedData.MAX_SIZE;
        }
      };
}
