/**
 * The backend SPI. A backend only stores and fetches: it reads an entry together with the versions
 * of its tags in one call, writes, deletes and bumps tag versions. Validation, expiry, the
 * invalidation protocol, metrics and the failure policy live once in the core.
 */
@NullMarked
package dev.layercache.spi;

import org.jspecify.annotations.NullMarked;
