/** Value codecs: how cached values become bytes for remote backends. */
@NullMarked
package dev.layercache.codec;

import org.jspecify.annotations.NullMarked;
