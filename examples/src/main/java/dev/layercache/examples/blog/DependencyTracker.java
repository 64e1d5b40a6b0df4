package dev.layercache.examples.blog;

import java.util.Collection;

/**
 * Told which entities an assembly is about to read when they are only known during the assembly
 * (the friends whose events go into an activity stream). A caching layer uses it to make the
 * assembled value depend on those entities' tags; {@code LayerCache::trackDependencies} fits.
 */
@FunctionalInterface
public interface DependencyTracker {
  /** Tracks nothing, for assemblers without a cache. */
  DependencyTracker NONE = tags -> {};

  /**
   * Called before the data of these entities is read, so that a write that lands afterwards is seen
   * by the cache as newer than the assembled value.
   *
   * @param entities entity names, see {@link Entities}
   */
  void willRead(Collection<String> entities);
}
