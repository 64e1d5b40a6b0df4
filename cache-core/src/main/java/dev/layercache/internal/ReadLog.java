package dev.layercache.internal;

import dev.layercache.CacheKey;
import dev.layercache.CacheLookup.MissReason;
import dev.layercache.LayerCache;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-read DEBUG logging on the {@code dev.layercache.LayerCache} logger: hit, miss and why, and
 * whether a loaded value was stored. DEBUG names the cache name; TRACE adds the key's hash ({@link
 * CacheKey#toString()}). Parameter values never appear: keys are hashed, tags are not logged.
 */
final class ReadLog {
  private static final Logger LOG = LoggerFactory.getLogger(LayerCache.class);

  private ReadLog() {}

  static void hit(String namespace, CacheKey key) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: hit", subject(namespace, key));
    }
  }

  static void softExpiredHit(String namespace, CacheKey key) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: hit past its soft TTL, reloading in the background", subject(namespace, key));
    }
  }

  static void miss(String namespace, CacheKey key, MissReason reason) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: miss ({})", subject(namespace, key), describe(reason));
    }
  }

  static void joined(String namespace, CacheKey key) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: served by a concurrent load of the same key", subject(namespace, key));
    }
  }

  static void filled(String namespace, CacheKey key, boolean stored) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{}: {}",
          subject(namespace, key),
          stored ? "stored" : "not stored (refused by the policy, the codec or the backend)");
    }
  }

  static void notStored(String namespace, CacheKey key, String why) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: not stored: {}", subject(namespace, key), why);
    }
  }

  static String describe(MissReason reason) {
    switch (reason) {
      case ABSENT:
        return "absent";
      case EXPIRED:
        return "expired";
      case STALE:
        return "stale: invalidated after it was stored";
      case LOCKED:
        return "bypassed: being written, nothing is served or stored until the writer unlocks";
      case BYPASSED:
        return "bypassed: an invalidation of its tags is not delivered yet";
      case UNREADABLE:
        return "unreadable entry, deleted";
      case UNAVAILABLE:
        return "backend unavailable";
      default:
        return reason.name().toLowerCase(Locale.ROOT);
    }
  }

  private static String subject(String namespace, CacheKey key) {
    return LOG.isTraceEnabled()
        ? namespace + " '" + key.name() + "' " + key
        : namespace + " '" + key.name() + "'";
  }
}
