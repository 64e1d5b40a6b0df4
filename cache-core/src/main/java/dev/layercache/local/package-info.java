/** The in-process backend on Caffeine, bounded by entry count or by bytes. */
@NullMarked
package dev.layercache.local;

import org.jspecify.annotations.NullMarked;
