/**
 * The pattern benchmark: workload (Zipfian keys, read/write mix), closed- and open-loop runners,
 * latency recording, the stale-read checker, and the terminal, JSON and HTML reports.
 */
@NullMarked
package dev.layercache.examples.bench;

import org.jspecify.annotations.NullMarked;
