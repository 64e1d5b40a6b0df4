/**
 * The command line entry point of the LayerCache examples: {@link dev.layercache.examples.Main}.
 */
@NullMarked
package dev.layercache.examples;

import org.jspecify.annotations.NullMarked;
