/**
 * A small blog application: its schema, a deterministic data generator, the domain records, and the
 * {@link dev.layercache.examples.blog.BlogAssembler} that builds pages from several queries, with a
 * plain JDBC implementation and an object-caching decorator.
 */
@NullMarked
package dev.layercache.examples.blog;

import org.jspecify.annotations.NullMarked;
