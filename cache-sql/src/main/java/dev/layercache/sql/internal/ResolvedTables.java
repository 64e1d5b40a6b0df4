package dev.layercache.sql.internal;

import dev.layercache.CachePolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The tables of one statement resolved against a current schema: their tags, whether the policy
 * selects them for caching, and the core policy (TTL, tags) a read's entry is stored with.
 *
 * @param tableTags {@code table:schema.table} tags, hidden dependencies included
 * @param selected whether the policy's table selection allows caching
 * @param cachePolicy TTL and tags (table tags plus the epoch) for a cached read
 * @param firesTriggers for a write: a table it writes has triggers, which may write anything
 * @param volatileView for a read: a view it reads that calls volatile functions, or null
 */
record ResolvedTables(
    List<String> tableTags,
    boolean selected,
    CachePolicy cachePolicy,
    boolean firesTriggers,
    @Nullable String volatileView) {}
