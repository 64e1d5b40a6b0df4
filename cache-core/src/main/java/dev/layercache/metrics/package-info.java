/**
 * Metrics: the {@link dev.layercache.metrics.CacheMetrics} events the core reports, and a
 * Micrometer binding. Micrometer is optional; without it nothing is recorded.
 */
@NullMarked
package dev.layercache.metrics;

import org.jspecify.annotations.NullMarked;
