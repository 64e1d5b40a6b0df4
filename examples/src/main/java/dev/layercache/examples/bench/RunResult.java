package dev.layercache.examples.bench;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Every figure of one run: one pattern on one backend.
 *
 * @param pattern the pattern
 * @param backend the backend, or {@code -} for the pattern without a cache
 * @param threads client threads
 * @param seconds measured time
 * @param operations measured requests
 * @param reads of which reads
 * @param writes of which writes
 * @param throughput requests per second
 * @param latency latency of all requests
 * @param byOperation latency per {@link Operation#id()}
 * @param hitRatio cache hits per cache lookup, or null without a cache
 * @param cacheLookups cache lookups made
 * @param statementsPerRequest database statements per request
 * @param bytesFromCachePerRequest bytes of entries read from the backend per request
 * @param bytesToCachePerRequest bytes of entries written to the backend per request
 * @param backendCallsPerRequest backend calls per request
 * @param staleReads stale reads found in the whole run (warm-up and sweep included)
 * @param maxStaleMillis how long after the write the oldest stale answer was checked
 * @param staleBoundMillis the staleness the pattern allows by design (a near cache's bus delay), or
 *     null if it allows none
 * @param checkedVersions versions checked by the stale-read checker
 * @param uncheckedVersions versions the checker could not check
 * @param errors failed requests
 * @param firstError the first failure, or null
 * @param sweep latency against load, empty unless sweeping
 */
public record RunResult(
    String pattern,
    String backend,
    int threads,
    double seconds,
    long operations,
    long reads,
    long writes,
    double throughput,
    LatencySummary latency,
    Map<String, LatencySummary> byOperation,
    @Nullable Double hitRatio,
    long cacheLookups,
    double statementsPerRequest,
    double bytesFromCachePerRequest,
    double bytesToCachePerRequest,
    double backendCallsPerRequest,
    long staleReads,
    double maxStaleMillis,
    @Nullable Long staleBoundMillis,
    long checkedVersions,
    long uncheckedVersions,
    long errors,
    @Nullable String firstError,
    List<SweepPoint> sweep) {

  /**
   * Whether the run's stale reads break its pattern's promise: any stale read where none is
   * allowed, or one older than the bound where staleness is bounded.
   *
   * @return true if the run failed its consistency check
   */
  public boolean staleBeyondPromise() {
    if (staleReads == 0) {
      return false;
    }
    return staleBoundMillis == null || maxStaleMillis > staleBoundMillis;
  }

  /**
   * A short name: {@code pattern/backend}, or the pattern alone without a cache.
   *
   * @return the label
   */
  public String label() {
    return backend.equals("-") ? pattern : pattern + "/" + backend;
  }
}
