/**
 * LayerCache Memcached backend: one node or a Ketama consistent-hashing pool, on spymemcached with
 * the binary protocol. Only {@code dev.layercache.memcached} is exported.
 */
module dev.layercache.memcached {
  requires transitive dev.layercache.core;
  requires spymemcached;
  requires static org.jspecify;

  exports dev.layercache.memcached;
}
