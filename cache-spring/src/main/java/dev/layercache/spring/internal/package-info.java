/** The machinery of the Spring integration; not API. */
@NullMarked
package dev.layercache.spring.internal;

import org.jspecify.annotations.NullMarked;
