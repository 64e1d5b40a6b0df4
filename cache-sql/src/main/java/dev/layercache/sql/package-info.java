/**
 * Query-result caching for JDBC: {@link dev.layercache.sql.CachingDataSource} wraps a {@link
 * javax.sql.DataSource}, caches cacheable {@code SELECT} results tagged with the tables they read,
 * and invalidates them when a write through the wrapper touches one of those tables. {@link
 * dev.layercache.sql.QueryCachePolicy} says what is cached and for how long.
 */
@NullMarked
package dev.layercache.sql;

import org.jspecify.annotations.NullMarked;
