package dev.layercache.internal;

import dev.layercache.metrics.CacheMetrics;

/** Wraps an application's {@link CacheMetrics} so that nothing it throws breaks a cache call. */
final class SafeMetrics implements CacheMetrics {
  private final CacheMetrics delegate;

  SafeMetrics(CacheMetrics delegate) {
    this.delegate = delegate;
  }

  @Override
  public void get(String cache, GetResult result) {
    try {
      delegate.get(cache, result);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void load(String cache, boolean success, long nanos) {
    try {
      delegate.load(cache, success, nanos);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void put(String cache, PutResult result) {
    try {
      delegate.put(cache, result);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void eviction(String cache) {
    try {
      delegate.eviction(cache);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void tagBumps(int count) {
    try {
      delegate.tagBumps(count);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void staleRejected(String cache) {
    try {
      delegate.staleRejected(cache);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }

  @Override
  public void backendCall(String backend, String operation, long nanos, boolean success) {
    try {
      delegate.backendCall(backend, operation, nanos, success);
    } catch (RuntimeException ignored) {
      // Metrics never break a cache call.
    }
  }
}
