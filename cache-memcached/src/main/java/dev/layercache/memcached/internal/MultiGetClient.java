package dev.layercache.memcached.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.ops.GetOperation;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationException;
import net.spy.memcached.ops.OperationState;
import net.spy.memcached.ops.OperationStatus;
import org.jspecify.annotations.Nullable;

/**
 * A spymemcached client with a lean multi-get of raw bytes, the backend's read path.
 *
 * <p>{@code asyncGetBulk} is built for any transcoder and for Couchbase: per call it fills four
 * maps, validates and hashes every key twice, wraps each value in a decoding task and a future, and
 * copies the result into a fifth map. That was more than half the bytes allocated by a cache hit.
 * {@link #multiGet} sends one {@link QuietMultiGetOperation} per node (the nodes at once), which
 * also saves the closing {@code NOOP} each way, and collects the values straight into an array. It
 * also never reads a key from a node other than the key's own, as the backend's {@code
 * FailureMode.Cancel} asks: where {@code asyncGetBulk} would send the keys of a node that is not
 * connected to the next node of the ring, which may hold old copies of them, {@link #multiGet}
 * reports them as not answered. A node answers a multi-get only if it is connected before and after
 * it and its operation completes in time and without error; the caller decides which keys it cannot
 * do without.
 *
 * <p>Thread-safe, like its superclass. Not final, so that the backend can add to it.
 */
public class MultiGetClient extends MemcachedClient {
  // Up to this many keys a reply finds its key's index by a scan, which allocates nothing.
  private static final int MAX_SCANNED_KEYS = 8;

  /**
   * Creates a client, as {@link MemcachedClient#MemcachedClient(ConnectionFactory, List)}.
   *
   * @param factory the connection factory
   * @param addresses the servers
   * @throws IOException if connections cannot be set up
   */
  public MultiGetClient(ConnectionFactory factory, List<InetSocketAddress> addresses)
      throws IOException {
    super(factory, addresses);
  }

  /**
   * Reads keys in one multi-get per node, sent to all nodes at once, and waits for every node's
   * reply or the timeout.
   *
   * @param keys the keys, valid for the binary protocol (the caller checks them); duplicates are
   *     read once
   * @param timeoutMillis how long to wait for all replies
   * @return the values found, by key, on the nodes that answered; read-only
   * @throws InterruptedException if interrupted while waiting
   */
  public Reply multiGet(List<String> keys, long timeoutMillis) throws InterruptedException {
    if (shuttingDown) {
      throw new IllegalStateException("Shutting down");
    }
    if (keys.isEmpty()) {
      return new Reply(keys, new int[0], new String[0], 0);
    }
    NodeLocator locator = mconn.getLocator();
    Collection<MemcachedNode> all = locator.getAll();
    List<MemcachedNode> nodes = new ArrayList<>(1);
    List<List<String>> keysByNode = new ArrayList<>(1);
    int[] nodeOfKey = new int[keys.size()];
    if (all.size() == 1) {
      // One node holds every key: no need to hash them to find out.
      nodes.add(all.iterator().next());
      keysByNode.add(keys);
    } else {
      for (int i = 0; i < nodeOfKey.length; i++) {
        String key = keys.get(i);
        MemcachedNode node = locator.getPrimary(key);
        int n = nodes.indexOf(node);
        if (n < 0) {
          n = nodes.size();
          nodes.add(node);
          keysByNode.add(new ArrayList<>());
        }
        keysByNode.get(n).add(key);
        nodeOfKey[i] = n;
      }
    }
    @Nullable String[] failures = new String[nodes.size()];
    int sent = 0;
    for (int n = 0; n < nodes.size(); n++) {
      if (!notConnected(nodes.get(n), failures, n)) {
        sent++;
      }
    }
    Reply reply = new Reply(keys, nodeOfKey, failures, sent);
    if (sent > 0) {
      Map<MemcachedNode, Operation> ops = new HashMap<>(2 * sent);
      @Nullable Operation[] opOfNode = new Operation[nodes.size()];
      for (int n = 0; n < nodes.size(); n++) {
        if (failures[n] == null) {
          opOfNode[n] = new QuietMultiGetOperation(keysByNode.get(n), reply);
          ops.put(nodes.get(n), opOfNode[n]);
        }
      }
      mconn.addOperations(ops);
      await(reply, nodes, opOfNode, failures, timeoutMillis);
      for (int n = 0; n < nodes.size(); n++) {
        if (failures[n] == null) {
          notConnected(nodes.get(n), failures, n);
        }
      }
    }
    return reply;
  }

  /** Records a node that is not connected as not answering. */
  private static boolean notConnected(MemcachedNode node, @Nullable String[] failures, int n) {
    if (node.isActive()) {
      return false;
    }
    failures[n] = "memcached node " + node.getSocketAddress() + " is not connected";
    return true;
  }

  /**
   * Waits as spymemcached's own futures do, counting timeouts towards a node's reconnection, and
   * records the nodes whose operation did not complete, or failed.
   */
  private static void await(
      Reply reply,
      List<MemcachedNode> nodes,
      @Nullable Operation[] ops,
      @Nullable String[] failures,
      long timeoutMillis)
      throws InterruptedException {
    boolean inTime = reply.done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    for (int n = 0; n < ops.length; n++) {
      Operation op = ops[n];
      if (op == null) {
        continue;
      }
      if (!inTime && op.getState() != OperationState.COMPLETE) {
        MemcachedConnection.opTimedOut(op);
        failures[n] =
            "memcached node "
                + nodes.get(n).getSocketAddress()
                + " did not answer within "
                + timeoutMillis
                + " ms";
        continue;
      }
      MemcachedConnection.opSucceeded(op);
      if (op.isCancelled()) {
        failures[n] = "memcached read from " + nodes.get(n).getSocketAddress() + " cancelled";
      } else if (op.hasErrored()) {
        OperationException e = op.getException();
        failures[n] =
            "memcached read from "
                + nodes.get(n).getSocketAddress()
                + " failed: "
                + (e == null ? "error" : e.getMessage());
      }
    }
  }

  /**
   * What one {@link #multiGet} found (values written by the I/O thread, read by the caller after
   * {@link #done} or the timeout): a read-only map over the keys asked for, holding only the values
   * of the nodes that answered, and which keys those are.
   */
  public static final class Reply extends AbstractMap<String, byte[]>
      implements GetOperation.Callback {
    private final List<String> keys;
    private final byte[] @Nullable [] values;
    private final int[] nodeOfKey;
    // Per node: null if it answered, else why not. Written by the caller before it returns the
    // reply, never after.
    private final @Nullable String[] failures;
    // Only for long key lists: key to its first index.
    private final @Nullable Map<String, Integer> index;
    final CountDownLatch done;

    Reply(List<String> keys, int[] nodeOfKey, @Nullable String[] failures, int operations) {
      this.keys = keys;
      this.values = new byte[keys.size()][];
      this.nodeOfKey = nodeOfKey;
      this.failures = failures;
      this.done = new CountDownLatch(operations);
      if (keys.size() > MAX_SCANNED_KEYS) {
        Map<String, Integer> m = new HashMap<>(2 * keys.size());
        for (int i = 0; i < keys.size(); i++) {
          m.putIfAbsent(keys.get(i), i);
        }
        this.index = m;
      } else {
        this.index = null;
      }
    }

    /**
     * Whether the node holding a key answered, so that the key's absence from this map means it is
     * not stored.
     *
     * @param key a key that was read
     * @return false if the node did not answer, or the key was not part of the read
     */
    public boolean answered(String key) {
      int i = indexOf(key);
      return i >= 0 && failures[nodeOfKey[i]] == null;
    }

    /**
     * Why a key's node did not answer.
     *
     * @param key a key that was read
     * @return the reason, or null if it answered
     */
    public @Nullable String failure(String key) {
      int i = indexOf(key);
      return i < 0 ? "key '" + key + "' was not read" : failures[nodeOfKey[i]];
    }

    /** The first index of a key, so that a duplicate key is stored and found in one place. */
    private int indexOf(Object key) {
      Map<String, Integer> m = index;
      if (m != null) {
        Integer i = m.get(key);
        return i == null ? -1 : i;
      }
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public void gotData(String key, int flags, byte[] data) {
      int i = indexOf(key);
      if (i >= 0) {
        values[i] = data;
      }
    }

    @Override
    public void receivedStatus(OperationStatus status) {
      // A multi-get reports absent keys by leaving them out; failures surface on the operation.
    }

    @Override
    public void complete() {
      done.countDown();
    }

    @Override
    public byte @Nullable [] get(@Nullable Object key) {
      int i = key == null ? -1 : indexOf(key);
      return i < 0 || failures[nodeOfKey[i]] != null ? null : values[i];
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, byte[]>> entrySet() {
      Set<Map.Entry<String, byte[]>> found = new LinkedHashSet<>();
      for (int i = 0; i < keys.size(); i++) {
        byte[] v = failures[nodeOfKey[i]] == null ? values[i] : null;
        if (v != null && indexOf(keys.get(i)) == i) {
          found.add(new AbstractMap.SimpleImmutableEntry<>(keys.get(i), v));
        }
      }
      return found;
    }
  }
}
