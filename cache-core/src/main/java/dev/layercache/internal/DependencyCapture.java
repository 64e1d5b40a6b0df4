package dev.layercache.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Records, while a loader runs, the tag versions its data depended on: every cache read inside the
 * loader (a cached SQL query, a nested assembler) reports the versions its entry was checked
 * against or snapshotted with. The loaded value is then stored with those versions too, so a write
 * to anything the loader read invalidates it, with no annotation at all.
 *
 * <p>Scopes nest per thread; a scope's records flow into its parent when it closes. Only loads on
 * the loader's own thread are seen.
 */
final class DependencyCapture {
  /** Marks a tag read at two different versions during one load: the value is born stale. */
  static final long CONFLICT = -2;

  private static final ThreadLocal<@Nullable Scope> CURRENT = new ThreadLocal<>();

  private DependencyCapture() {}

  static @Nullable Scope current() {
    return CURRENT.get();
  }

  static Scope open(String namespace) {
    Scope s = new Scope(namespace, CURRENT.get());
    CURRENT.set(s);
    return s;
  }

  /** The dependencies of one load. */
  static final class Scope implements AutoCloseable {
    final String namespace;
    private final @Nullable Scope parent;
    private final Map<String, Long> versions = new LinkedHashMap<>();
    private boolean foreign;

    private Scope(String namespace, @Nullable Scope parent) {
      this.namespace = namespace;
      this.parent = parent;
    }

    void record(String ns, String tagKey, long version) {
      if (!ns.equals(namespace)) {
        // Versions of another namespace cannot be checked by this cache's entries.
        foreign = true;
        return;
      }
      versions.merge(tagKey, version, (a, b) -> a.longValue() == b.longValue() ? a : CONFLICT);
    }

    Map<String, Long> versions() {
      return versions;
    }

    boolean sawForeignNamespace() {
      return foreign;
    }

    /** Ends the scope; what it recorded becomes a dependency of the enclosing load too. */
    @Override
    public void close() {
      CURRENT.set(parent);
      if (parent != null) {
        for (Map.Entry<String, Long> e : versions.entrySet()) {
          parent.record(namespace, e.getKey(), e.getValue());
        }
        parent.foreign |= foreign;
      }
    }
  }
}
