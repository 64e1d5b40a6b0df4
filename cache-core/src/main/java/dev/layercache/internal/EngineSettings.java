package dev.layercache.internal;

import dev.layercache.codec.ValueCodec;
import dev.layercache.metrics.CacheMetrics;
import dev.layercache.spi.CacheBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of one cache, handed from the public builder to the engine.
 *
 * @param namespace the key namespace
 * @param backend the backend
 * @param codec the codec, or null for the default
 * @param metrics where events go
 * @param executor the executor, or null for an owned default
 * @param clock creation and expiry times
 * @param maxValueBytes largest encoded value, or -1 for the backend's limit
 * @param circuitBreaker whether remote calls go through a circuit breaker
 * @param failureRateThreshold percent of failed calls that opens it
 * @param openDuration how long it stays open
 * @param slowCall calls slower than this count as failures
 * @param logInterval repeated errors are logged once per interval
 * @param strictInvalidation whether an undelivered invalidation throws
 */
public record EngineSettings(
    String namespace,
    CacheBackend backend,
    @Nullable ValueCodec codec,
    CacheMetrics metrics,
    @Nullable Executor executor,
    Clock clock,
    long maxValueBytes,
    boolean circuitBreaker,
    float failureRateThreshold,
    Duration openDuration,
    Duration slowCall,
    Duration logInterval,
    boolean strictInvalidation) {}
