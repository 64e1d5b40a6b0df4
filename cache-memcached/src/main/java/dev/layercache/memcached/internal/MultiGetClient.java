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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.ops.GetOperation;
import net.spy.memcached.ops.Operation;
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
 * FailureMode.Cancel} asks: the read fails unless every node it touches is connected before and
 * after it, where {@code asyncGetBulk} would send the keys of a node that is not connected to the
 * next node of the ring, which may hold old copies of them.
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
   * Reads keys in one multi-get per node, sent to all nodes at once.
   *
   * @param keys the keys, valid for the binary protocol (the caller checks them); duplicates are
   *     read once
   * @param timeoutMillis how long to wait for all replies
   * @return the values found, by key; absent keys are not in the map. Read-only.
   * @throws InterruptedException if interrupted while waiting
   * @throws ExecutionException if a node the keys live on is not connected before or after the
   *     read, or an operation failed
   * @throws TimeoutException if some node did not answer in time
   */
  public Map<String, byte[]> multiGet(List<String> keys, long timeoutMillis)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (shuttingDown) {
      throw new IllegalStateException("Shutting down");
    }
    NodeLocator locator = mconn.getLocator();
    Collection<MemcachedNode> all = locator.getAll();
    List<MemcachedNode> nodes = new ArrayList<>(1);
    List<List<String>> keysByNode = new ArrayList<>(1);
    if (all.size() == 1) {
      // One node holds every key: no need to hash them to find out.
      nodes.add(all.iterator().next());
      keysByNode.add(keys);
    } else {
      for (String key : keys) {
        MemcachedNode node = locator.getPrimary(key);
        int n = nodes.indexOf(node);
        if (n < 0) {
          n = nodes.size();
          nodes.add(node);
          keysByNode.add(new ArrayList<>());
        }
        keysByNode.get(n).add(key);
      }
    }
    requireConnected(nodes);
    Reply reply = new Reply(keys, nodes.size());
    Map<MemcachedNode, Operation> ops = new HashMap<>(2 * nodes.size());
    for (int n = 0; n < nodes.size(); n++) {
      ops.put(nodes.get(n), new QuietMultiGetOperation(keysByNode.get(n), reply));
    }
    mconn.addOperations(ops);
    await(reply, ops.values(), timeoutMillis);
    requireConnected(nodes);
    return reply;
  }

  private static void requireConnected(List<MemcachedNode> nodes) throws ExecutionException {
    for (MemcachedNode node : nodes) {
      if (!node.isActive()) {
        throw new ExecutionException(
            new CancellationException(
                "memcached node " + node.getSocketAddress() + " is not connected"));
      }
    }
  }

  /** Waits as spymemcached's own futures do, counting timeouts towards a node's reconnection. */
  private static void await(Reply reply, Collection<Operation> ops, long timeoutMillis)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!reply.done.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
      List<Operation> late = new ArrayList<>(ops.size());
      for (Operation op : ops) {
        if (op.getState() != OperationState.COMPLETE) {
          MemcachedConnection.opTimedOut(op);
          late.add(op);
        } else {
          MemcachedConnection.opSucceeded(op);
        }
      }
      throw new CheckedOperationTimeoutException("Operation timed out.", late);
    }
    for (Operation op : ops) {
      MemcachedConnection.opSucceeded(op);
      if (op.isCancelled()) {
        throw new ExecutionException(new CancellationException("Cancelled"));
      }
      if (op.hasErrored()) {
        throw new ExecutionException(op.getException());
      }
    }
  }

  /**
   * Collects the values of one {@link #multiGet} (written by the I/O thread, read by the caller
   * after {@link #done}) and is its result: a read-only map over the keys asked for.
   */
  private static final class Reply extends AbstractMap<String, byte[]>
      implements GetOperation.Callback {
    private final List<String> keys;
    private final byte[] @Nullable [] values;
    // Only for long key lists: key to its first index.
    private final @Nullable Map<String, Integer> index;
    final CountDownLatch done;

    Reply(List<String> keys, int operations) {
      this.keys = keys;
      this.values = new byte[keys.size()][];
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
      return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Map.Entry<String, byte[]>> entrySet() {
      Set<Map.Entry<String, byte[]>> found = new LinkedHashSet<>();
      for (int i = 0; i < keys.size(); i++) {
        byte[] v = values[i];
        if (v != null && indexOf(keys.get(i)) == i) {
          found.add(new AbstractMap.SimpleImmutableEntry<>(keys.get(i), v));
        }
      }
      return found;
    }
  }
}
