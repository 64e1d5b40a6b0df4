/** Implementation of the core: not exported, may change without notice. */
@NullMarked
package dev.layercache.internal;

import org.jspecify.annotations.NullMarked;
