package dev.layercache.memcached.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.spy.memcached.NodeLocator;

/**
 * Which node of a pool holds a key, and where each node's <em>fence</em> lives.
 *
 * <p>Nodes are ordered by {@code host:port}, so every client configured with the same servers
 * agrees on the order whatever order it lists them in. The fence of node {@code i} is a tag version
 * stored on its successor {@code i + 1} (wrapping), under a key chosen so that Ketama places it
 * there. A client that cannot deliver a tag bump to a node bumps that node's fence instead, on a
 * node it can still reach; every reader combines each tag version with the fence of the node
 * holding it, so the fence bump invalidates every entry that depends on any tag of the unreachable
 * node, in every process, before that node can answer again.
 *
 * <p>A pool of one node has no fences: there is no second node to record anything on.
 *
 * <p>Immutable and thread-safe.
 */
public final class PoolLayout {
  private static final String FENCE_PREFIX = "~lc:fence:";
  private static final int MAX_FENCE_PROBES = 1_000_000;

  private final NodeLocator locator;
  private final Map<SocketAddress, Integer> indexByAddress;
  private final String[] names;
  private final String[] fenceKeys;

  private PoolLayout(
      NodeLocator locator,
      Map<SocketAddress, Integer> indexByAddress,
      String[] names,
      String[] fenceKeys) {
    this.locator = locator;
    this.indexByAddress = indexByAddress;
    this.names = names;
    this.fenceKeys = fenceKeys;
  }

  /**
   * Computes the layout of a pool.
   *
   * @param locator a read-only copy of the client's Ketama locator
   * @param addresses the pool's servers, in any order
   * @return the layout
   */
  public static PoolLayout of(NodeLocator locator, List<InetSocketAddress> addresses) {
    List<InetSocketAddress> sorted = new ArrayList<>(addresses);
    sorted.sort(Comparator.comparing(PoolLayout::name));
    Map<SocketAddress, Integer> index = new HashMap<>();
    String[] names = new String[sorted.size()];
    for (int i = 0; i < names.length; i++) {
      index.put(sorted.get(i), i);
      names[i] = name(sorted.get(i));
    }
    PoolLayout probe = new PoolLayout(locator, index, names, new String[0]);
    String[] fences = new String[names.length > 1 ? names.length : 0];
    for (int i = 0; i < fences.length; i++) {
      int successor = (i + 1) % names.length;
      String base = FENCE_PREFIX + names[i] + ":";
      for (int n = 0; fences[i] == null; n++) {
        if (n == MAX_FENCE_PROBES) {
          throw new IllegalStateException("no fence key maps to " + names[successor]);
        }
        String candidate = base + n;
        if (probe.nodeOf(candidate) == successor) {
          fences[i] = candidate;
        }
      }
    }
    return new PoolLayout(locator, index, names, fences);
  }

  private static String name(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /**
   * Whether this pool has fences (two nodes or more).
   *
   * @return true for a pool
   */
  public boolean fenced() {
    return fenceKeys.length > 0;
  }

  /**
   * The number of nodes.
   *
   * @return the node count
   */
  public int size() {
    return names.length;
  }

  /**
   * The node that holds a key.
   *
   * @param key a memcached key
   * @return the node's index
   */
  public int nodeOf(String key) {
    Integer i = indexByAddress.get(locator.getPrimary(key).getSocketAddress());
    if (i == null) {
      throw new IllegalStateException("key '" + key + "' maps to an unknown node");
    }
    return i;
  }

  /**
   * The key of a node's fence version, which is stored on the node's successor.
   *
   * @param node a node index
   * @return the fence key
   * @throws IllegalStateException for a pool of one node
   */
  public String fenceKey(int node) {
    if (!fenced()) {
      throw new IllegalStateException("a pool of one node has no fence");
    }
    return fenceKeys[node];
  }

  /**
   * A node's {@code host:port}, for messages.
   *
   * @param node a node index
   * @return the name
   */
  public String name(int node) {
    return names[node];
  }
}
