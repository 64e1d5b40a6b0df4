package dev.layercache.near;

/**
 * Counters of a {@link NearCacheBackend}, for dashboards and tests.
 *
 * @param live whether the invalidation subscription is live (the near level is in use)
 * @param hits reads answered by the near level
 * @param misses reads that went to the remote backend while the level was in use
 * @param bypassed reads sent to the remote backend because the subscription was not live
 * @param fills entries the level took in
 * @param messages invalidation messages from other processes, counted once applied
 * @param gaps times a sender's message numbers showed lost messages
 * @param clears times the level was emptied (subscription changes and gaps)
 * @param meanLagMillis mean delay from a message's publication to its arrival here
 * @param maxLagMillis the longest such delay seen
 * @param size entries currently held (approximate)
 */
public record NearCacheStats(
    boolean live,
    long hits,
    long misses,
    long bypassed,
    long fills,
    long messages,
    long gaps,
    long clears,
    double meanLagMillis,
    long maxLagMillis,
    long size) {}
