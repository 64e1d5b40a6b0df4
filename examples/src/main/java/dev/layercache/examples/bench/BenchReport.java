package dev.layercache.examples.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything a benchmark produced; written as JSON and rendered as HTML.
 *
 * @param startedAt when the benchmark started, ISO-8601
 * @param settings the settings, as shown
 * @param environment Java, operating system, processors, database
 * @param dataset rows generated per table
 * @param generationMillis how long generating the data took
 * @param operations labels of the operations, by id
 * @param runs the runs, one per pattern and backend
 * @param findings observations computed from the runs, such as where a cache hit is slower than the
 *     database
 * @param staleReads stale reads found in all runs (must be 0)
 * @param staleExamples the first stale reads found
 */
public record BenchReport(
    String startedAt,
    Map<String, Object> settings,
    Map<String, String> environment,
    Map<String, Long> dataset,
    long generationMillis,
    Map<String, String> operations,
    List<RunResult> runs,
    List<String> findings,
    long staleReads,
    List<String> staleExamples) {}
