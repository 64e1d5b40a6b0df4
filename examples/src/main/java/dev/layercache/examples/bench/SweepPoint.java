package dev.layercache.examples.bench;

import org.jspecify.annotations.Nullable;

/**
 * One point of a latency-against-load curve.
 *
 * @param mode {@code closed} (a fixed number of clients, each waiting for its answer) or {@code
 *     open} (requests arriving at a fixed rate whatever the answers; latency from each request's
 *     intended start)
 * @param threads client threads (closed) or worker threads (open)
 * @param offeredRate the arrival rate asked for, requests per second (open loop only)
 * @param throughput completed requests per second
 * @param latency latency of the completed requests
 * @param staleReads stale reads found
 * @param errors failed requests
 * @param unsent requests due but never sent because the system fell too far behind (open loop)
 */
public record SweepPoint(
    String mode,
    int threads,
    @Nullable Double offeredRate,
    double throughput,
    LatencySummary latency,
    long staleReads,
    long errors,
    long unsent) {}
