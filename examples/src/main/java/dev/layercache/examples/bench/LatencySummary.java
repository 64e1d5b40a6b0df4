package dev.layercache.examples.bench;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a set of requests, in milliseconds.
 *
 * @param count how many requests
 * @param meanMs the mean
 * @param p50Ms the median
 * @param p99Ms the 99th percentile
 * @param p999Ms the 99.9th percentile
 * @param maxMs the largest
 */
public record LatencySummary(
    long count, double meanMs, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

  /** No requests. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

  /**
   * Summarizes a histogram of nanoseconds.
   *
   * @param nanos the histogram
   * @return the summary
   */
  public static LatencySummary of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencySummary(
        nanos.getTotalCount(),
        nanos.getMean() / 1e6,
        nanos.getValueAtPercentile(50) / 1e6,
        nanos.getValueAtPercentile(99) / 1e6,
        nanos.getValueAtPercentile(99.9) / 1e6,
        nanos.getMaxValue() / 1e6);
  }
}
