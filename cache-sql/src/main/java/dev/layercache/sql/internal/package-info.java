/**
 * The machinery behind {@link dev.layercache.sql.CachingDataSource}: SQL analysis, JDBC proxies,
 * transaction tracking and the cached result set. Not exported.
 */
@NullMarked
package dev.layercache.sql.internal;

import org.jspecify.annotations.NullMarked;
