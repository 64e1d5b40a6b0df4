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
 * agrees on the order whatever order it lists them in. The fence of node {@code i} is a version
 * kept, as copies, on the nodes that follow it (wrapping): on {@code i + 1} in a pool of two, on
 * {@code i + 1} and {@code i + 2} in a pool of three or more, each under a key chosen so that
 * Ketama places it there. A client that cannot deliver a tag bump to a node bumps that node's fence
 * instead, on every copy; every reader combines each tag version with the fence of the node holding
 * it, read from every copy it reaches (see {@link FencedVersions}), so the fence bump invalidates
 * every entry that depends on any tag of the unreachable node, in every process, before that node
 * can answer again.
 *
 * <p>Two copies are what lets a pool serve the keys of its live nodes while one node is down: the
 * down node holds one copy of the fences of the two nodes before it, and each still has its other
 * copy. A pool of two has only one other node to keep a node's fence on, so there, with one node
 * down, the other's keys cannot be checked and miss. A pool of one node has no fences: there is no
 * second node to record anything on.
 *
 * <p>Immutable and thread-safe.
 */
public final class PoolLayout {
  /** Pools of at least this many nodes keep two copies of each fence. */
  public static final int NODES_FOR_TWO_FENCE_COPIES = 3;

  private static final String FENCE_PREFIX = "~lc:fence:";
  private static final int MAX_FENCE_PROBES = 1_000_000;

  private final NodeLocator locator;
  private final Map<SocketAddress, Integer> indexByAddress;
  private final String[] names;
  // Per node, the keys of its fence's copies; none for a pool of one.
  private final List<List<String>> fenceKeys;

  private PoolLayout(
      NodeLocator locator,
      Map<SocketAddress, Integer> indexByAddress,
      String[] names,
      List<List<String>> fenceKeys) {
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
    PoolLayout probe = new PoolLayout(locator, index, names, List.of());
    int copies = names.length >= NODES_FOR_TWO_FENCE_COPIES ? 2 : names.length > 1 ? 1 : 0;
    List<List<String>> fences = new ArrayList<>(copies > 0 ? names.length : 0);
    for (int i = 0; copies > 0 && i < names.length; i++) {
      String[] keys = new String[copies];
      String base = FENCE_PREFIX + names[i] + ":";
      for (int c = 0; c < copies; c++) {
        // The first key of the series that lands on the copy's node: the first copy's key is the
        // one pools kept their single fence under.
        int holder = (i + 1 + c) % names.length;
        for (int n = 0; keys[c] == null; n++) {
          if (n == MAX_FENCE_PROBES) {
            throw new IllegalStateException("no fence key maps to " + names[holder]);
          }
          String candidate = base + n;
          if (probe.nodeOf(candidate) == holder) {
            keys[c] = candidate;
          }
        }
      }
      fences.add(List.of(keys));
    }
    return new PoolLayout(locator, index, names, List.copyOf(fences));
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
    return !fenceKeys.isEmpty();
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
   * The keys of a node's fence copies, stored on the nodes that follow it: one in a pool of two,
   * two in a larger pool.
   *
   * @param node a node index
   * @return the keys, the copy on the next node first
   * @throws IllegalStateException for a pool of one node
   */
  public List<String> fenceKeys(int node) {
    if (!fenced()) {
      throw new IllegalStateException("a pool of one node has no fence");
    }
    return fenceKeys.get(node);
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
