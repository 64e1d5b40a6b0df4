package dev.layercache.memcached;

import dev.layercache.CacheBackendException;
import dev.layercache.CacheConfigurationException;
import dev.layercache.InvalidCacheKeyException;
import dev.layercache.memcached.internal.Expiration;
import dev.layercache.memcached.internal.FencedVersions;
import dev.layercache.memcached.internal.MultiGetClient;
import dev.layercache.memcached.internal.PoolLayout;
import dev.layercache.memcached.internal.RawBytes;
import dev.layercache.spi.BackendRead;
import dev.layercache.spi.CacheBackend;
import dev.layercache.spi.FetchedRead;
import dev.layercache.spi.StoredEntry;
import dev.layercache.spi.TagVersions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * A Memcached backend: one node or a pool of nodes with Ketama consistent hashing, over
 * spymemcached with the binary protocol.
 *
 * <pre>{@code
 * LayerCache cache = LayerCache.builder()
 *     .namespace("blog")
 *     .backend(MemcachedBackend.builder().servers("10.0.0.1:11211 10.0.0.2:11211").build())
 *     .build();
 * }</pre>
 *
 * <h2>Mapping</h2>
 *
 * A read is one multi-get of the entry and the versions of its tags (spymemcached sends one batch
 * per node, to all nodes in parallel). Tag versions are decimal text, bumped with {@code incr}; a
 * missing version is created with {@code add} of a {@linkplain TagVersions#fresh() fresh} value, so
 * an evicted or deleted version never makes old entries valid again. Versions have no expiration;
 * memory pressure may evict them, which that re-creation makes safe. Entries are stored as the
 * core's bytes, with an expiration rounded up to whole seconds.
 *
 * <h2>Failures</h2>
 *
 * Operations time out after {@link Builder#operationTimeout(Duration)} (default {@value
 * #DEFAULT_OPERATION_TIMEOUT_MILLIS} ms). Keys are never moved to another node when theirs is down
 * (spymemcached's {@code FailureMode.Cancel}; a multi-get, which spymemcached would send to the
 * next node, fails instead): a key that moved would be read from a node that missed its
 * invalidations, or holds an old copy of it. Operations on a node whose connection is lost fail at
 * once; spymemcached reconnects with a back-off of at most {@link
 * Builder#maxReconnectDelay(Duration)}. A node that stops answering without closing its connection
 * (frozen, paused) fails each operation after the timeout; after {@link
 * Builder#timeoutExceptionThreshold(int)} timeouts in a row its connection is dropped and
 * re-opened.
 *
 * <p><b>A node that comes back never serves what it missed.</b> A restarted node is empty: its tag
 * versions are re-created fresh and nothing old matches them. A node that was frozen or cut off
 * comes back with its old data, and an invalidation sent to it meanwhile was lost. For that, each
 * node of a pool has a <em>fence</em>: a version kept on the next node of the pool, and in a pool
 * of three or more nodes also on the one after it, as two copies. Every version a read returns
 * combines the stored tag version with the fence of the node that holds it, read from every copy
 * the read reaches (the multi-get fetches them all). When {@link #bumpTags} cannot deliver a bump
 * to a node, it bumps that node's fence on every copy before returning, which changes every version
 * held by the unreachable node for every client at once; entries that depend on them are never
 * served again, whenever the node returns. If a copy cannot be bumped, {@code bumpTags} throws and
 * the core keeps the invalidation pending, as it does when there is no fence at all: a single node
 * has no neighbour, so there an undelivered invalidation is covered by the core's pending retry, in
 * the writing process only. Only bumps that reach this backend can be fenced: one its caller never
 * attempts (because a circuit breaker is open) is left to the caller's own retry. A fence copy that
 * is lost (its node restarted) makes the fence absent until a reader re-creates it, above any value
 * it held; an absent copy never validates an entry. How the copies combine, and why that can never
 * bring an invalidated entry back, is told in {@code FencedVersions}.
 *
 * <p><b>One node down.</b> A read of a key needs the key's node, the nodes of its tag versions, and
 * one copy of each of their fences. In a pool of three or more, a node that is down (killed,
 * stopped, cut off) takes away the keys and tag versions it holds, and nothing else: every other
 * node's fence still has a copy on a live node, so the other nodes' keys are still served from the
 * cache. In a pool of two, each node's fence lives only on the other node, so with one node down no
 * key can be checked and every read misses. A copy whose node does not answer is left out of a read
 * after the operation timeout, or at once when spymemcached knows the node is disconnected.
 *
 * <p>The price: in a pool a read also fetches the copies of one small fence key per node it
 * touches, from that node's neighbours (in the same parallel multi-get, so a read of a key of one
 * node touches three nodes in a pool of three or more), and a restarted node, losing the fence
 * copies it keeps for the nodes before it, invalidates once every entry that depends on those
 * nodes' tags.
 *
 * <h2>Limits</h2>
 *
 * Keys longer than 250 bytes or with whitespace or control characters are rejected before any I/O
 * (the core's keys never are). An entry larger than {@link #maxEntryBytes()} is not stored and is
 * counted in {@link #oversizedEntries()}; the caller keeps its value.
 *
 * <p>Every client of a pool must list the same servers with the same host names, or Ketama places
 * keys differently. Thread-safe.
 */
public final class MemcachedBackend implements CacheBackend {
  /** Default operation timeout in milliseconds. */
  public static final long DEFAULT_OPERATION_TIMEOUT_MILLIS = 200;

  /** Memcached's default item size limit ({@code -I}): 1 MiB. */
  public static final int DEFAULT_ITEM_SIZE_LIMIT = 1 << 20;

  /** Default number of timeouts in a row after which a node's connection is re-opened. */
  public static final int DEFAULT_TIMEOUT_EXCEPTION_THRESHOLD = 8;

  /** Default longest wait in {@link Builder#build()} for the first connections. */
  public static final Duration DEFAULT_CONNECT_WAIT = Duration.ofSeconds(2);

  /** Default longest wait between reconnection attempts to a lost node. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);

  /** Bytes of an item that are not the value: item header, key (at most 250), CAS, suffix. */
  static final int ITEM_OVERHEAD_BYTES = 512;

  private static final int MAX_KEY_BYTES = 250;

  private final AuthenticatingClient client;
  private final PoolLayout layout;
  private final RawBytes bytes;
  private final long timeoutMillis;
  private final long maxEntryBytes;
  private final LongAdder oversized = new LongAdder();
  private final LongAdder fenceBumps = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private MemcachedBackend(Builder b, List<InetSocketAddress> addresses) {
    this.timeoutMillis = b.operationTimeout.toMillis();
    this.maxEntryBytes = b.itemSizeLimit - ITEM_OVERHEAD_BYTES;
    this.bytes = new RawBytes(b.itemSizeLimit);
    ConnectionFactoryBuilder factory =
        new ConnectionFactoryBuilder()
            .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
            .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
            .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
            .setFailureMode(FailureMode.Cancel)
            .setOpTimeout(timeoutMillis)
            // Never block a caller on a full queue longer than an operation may take.
            .setOpQueueMaxBlockTime(timeoutMillis)
            .setTimeoutExceptionThreshold(b.timeoutExceptionThreshold)
            .setMaxReconnectDelay(Math.max(1, (b.maxReconnectDelay.toMillis() + 999) / 1000))
            .setUseNagleAlgorithm(false)
            .setDaemon(true);
    if (b.username != null && b.password != null) {
      factory.setAuthDescriptor(
          new AuthDescriptor(
              new String[] {"PLAIN"}, new PlainCallbackHandler(b.username, b.password)));
    }
    // With FailureMode.Cancel, operations on a node not yet connected fail at once, so wait
    // (briefly, never failing) for the first connections.
    CountDownLatch connected = new CountDownLatch(addresses.size());
    factory.setInitialObservers(List.of(new FirstConnections(connected)));
    try {
      this.client = new AuthenticatingClient(factory.build(), addresses, b.username != null);
    } catch (IOException e) {
      throw new CacheConfigurationException(
          "cannot create a memcached client for '" + b.servers + "': " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + b.connectWait.toNanos();
    try {
      connected.await(b.connectWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (b.username != null) {
      awaitAuthenticated(addresses.size(), deadline);
    }
    this.layout = PoolLayout.of(client.getNodeLocator(), addresses);
  }

  /**
   * SASL authentication runs on a thread of the client after each connection opens, and operations
   * sent meanwhile wait for it and may time out: wait (briefly, never failing) until every node
   * answers a {@code version} request, which it does only once authenticated.
   */
  private void awaitAuthenticated(int nodes, long deadline) {
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      try {
        if (client.getVersions().size() >= nodes) {
          return;
        }
      } catch (RuntimeException e) {
        // Not yet (or wrong credentials): retry until the deadline.
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts a builder.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "memcached";
  }

  @Override
  public long maxEntryBytes() {
    return maxEntryBytes;
  }

  /**
   * How many entries were not stored because they were over {@link #maxEntryBytes()} with their
   * header.
   *
   * @return the count since this backend was built
   */
  public long oversizedEntries() {
    return oversized.sum();
  }

  /**
   * How many times a node's fence was bumped because a tag bump could not be delivered to it.
   *
   * @return the count since this backend was built
   */
  public long fenceBumps() {
    return fenceBumps.sum();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public BackendRead read(String entryKey, String keyTagKey, List<String> tagKeys) {
    List<String> versionKeys;
    if (tagKeys.isEmpty()) {
      versionKeys = List.of(keyTagKey);
    } else {
      versionKeys = new ArrayList<>(tagKeys.size() + 1);
      versionKeys.add(keyTagKey);
      versionKeys.addAll(tagKeys);
    }
    List<String> keys = new ArrayList<>(versionKeys.size() + 3);
    keys.add(requireValidKey(entryKey));
    int[] nodes = addVersionKeys(versionKeys, keys);
    MultiGetClient.Reply found = multiGet(keys);
    requireAnswered(found, entryKey);
    return new FetchedRead(found.get(entryKey), versionKeys, versions(versionKeys, nodes, found));
  }

  @Override
  public List<BackendRead> readAll(
      List<String> entryKeys, List<String> keyTagKeys, List<String> tagKeys) {
    List<String> keys = new ArrayList<>(2 * entryKeys.size() + tagKeys.size() + 2 * layout.size());
    for (String k : entryKeys) {
      keys.add(requireValidKey(k));
    }
    List<String> allVersionKeys = new ArrayList<>(keyTagKeys.size() + tagKeys.size());
    allVersionKeys.addAll(keyTagKeys);
    allVersionKeys.addAll(tagKeys);
    int[] nodes = addVersionKeys(allVersionKeys, keys);
    MultiGetClient.Reply found = multiGet(keys);
    for (String k : entryKeys) {
      requireAnswered(found, k);
    }
    long[] all = versions(allVersionKeys, nodes, found);
    int shared = keyTagKeys.size();
    List<BackendRead> reads = new ArrayList<>(entryKeys.size());
    for (int i = 0; i < entryKeys.size(); i++) {
      List<String> versionKeys = new ArrayList<>(tagKeys.size() + 1);
      versionKeys.add(keyTagKeys.get(i));
      versionKeys.addAll(tagKeys);
      long[] versions = new long[versionKeys.size()];
      versions[0] = all[i];
      System.arraycopy(all, shared, versions, 1, tagKeys.size());
      reads.add(new FetchedRead(found.get(entryKeys.get(i)), versionKeys, versions));
    }
    return reads;
  }

  @Override
  public long[] tagVersions(List<String> tagKeys, boolean createAbsent) {
    List<String> keys = new ArrayList<>(tagKeys.size() + 2 * layout.size());
    int[] nodes = addVersionKeys(tagKeys, keys);
    MultiGetClient.Reply found = multiGet(keys);
    if (!createAbsent) {
      return versions(tagKeys, nodes, found);
    }
    List<String> absent = new ArrayList<>();
    for (String k : new LinkedHashSet<>(tagKeys)) {
      requireAnswered(found, k);
      if (FencedVersions.stored(found, k) == BackendRead.ABSENT) {
        absent.add(k);
      }
    }
    Set<Integer> unfenced = new LinkedHashSet<>();
    for (int i = 0; nodes != null && i < nodes.length; i++) {
      if (FencedVersions.fence(layout.fenceKeys(nodes[i]), found) == BackendRead.ABSENT) {
        unfenced.add(nodes[i]);
      }
    }
    if (absent.isEmpty() && unfenced.isEmpty()) {
      return versions(tagKeys, nodes, found);
    }
    long deadline = deadline();
    List<OperationFuture<Boolean>> adds = new ArrayList<>(absent.size());
    for (String k : absent) {
      adds.add(client.add(k, 0, freshVersion(), bytes));
    }
    for (OperationFuture<Boolean> add : adds) {
      await(add, deadline, "add");
    }
    // A lost fence copy is re-created as a fence bump: every copy raised above any of them, so
    // they agree again. A copy that cannot be raised now is left as the read below finds it.
    raiseFences(unfenced);
    // An add that lost a race leaves the winner's value: read what is stored now.
    MultiGetClient.Reply created = multiGet(keys);
    boolean replaced = false;
    for (String k : absent) {
      requireAnswered(created, k);
      if (FencedVersions.stored(created, k) == BackendRead.ABSENT) {
        // Deleted again or not a number (planted by another client): any fresh value is safe.
        await(client.set(k, 0, freshVersion(), bytes), deadline(), "set");
        replaced = true;
      }
    }
    return versions(tagKeys, nodes, replaced ? multiGet(keys) : created);
  }

  /**
   * Appends the version keys to {@code keys}, followed, in a pool, by the keys of every copy of the
   * fences of the nodes that hold them (each node once), and returns the node of each version key,
   * or null outside a pool.
   */
  private int @Nullable [] addVersionKeys(List<String> versionKeys, List<String> keys) {
    for (String k : versionKeys) {
      keys.add(requireValidKey(k));
    }
    if (!layout.fenced()) {
      return null;
    }
    int[] nodes = new int[versionKeys.size()];
    boolean[] fenceAdded = new boolean[layout.size()];
    for (int i = 0; i < nodes.length; i++) {
      int node = layout.nodeOf(versionKeys.get(i));
      nodes[i] = node;
      if (!fenceAdded[node]) {
        fenceAdded[node] = true;
        List<String> copies = layout.fenceKeys(node);
        for (int c = 0; c < copies.size(); c++) {
          keys.add(copies.get(c));
        }
      }
    }
    return nodes;
  }

  /**
   * The versions the core sees: the stored version, or in a pool its pair with the fence of its
   * node ({@link FencedVersions}). Throws if a version's node, or every copy of its fence, did not
   * answer.
   */
  private long[] versions(
      List<String> versionKeys, int @Nullable [] nodes, MultiGetClient.Reply found) {
    long[] versions = new long[versionKeys.size()];
    for (int i = 0; i < versions.length; i++) {
      String key = versionKeys.get(i);
      requireAnswered(found, key);
      long v = FencedVersions.stored(found, key);
      // A lock is not combined: nothing is served or stored while it holds.
      if (nodes != null && v > 0) {
        List<String> copies = layout.fenceKeys(nodes[i]);
        long fence = FencedVersions.fence(copies, found);
        if (fence == FencedVersions.UNREACHABLE) {
          throw new CacheBackendException(
              "memcached multi-get failed: no copy of the fence of node "
                  + layout.name(nodes[i])
                  + " answered ("
                  + found.failure(copies.get(0))
                  + ")"
                  + client.authenticationProblem());
        }
        v = fence == BackendRead.ABSENT ? BackendRead.ABSENT : FencedVersions.combined(v, fence);
      }
      versions[i] = v;
    }
    return versions;
  }

  /** Throws unless the node that holds a key answered the read. */
  private void requireAnswered(MultiGetClient.Reply found, String key) {
    if (!found.answered(key)) {
      throw new CacheBackendException(
          "memcached multi-get failed: " + found.failure(key) + client.authenticationProblem());
    }
  }

  private MultiGetClient.Reply multiGet(List<String> keys) {
    try {
      return client.multiGet(keys, timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheBackendException("memcached multi-get interrupted", e);
    } catch (RuntimeException e) {
      throw new CacheBackendException(
          "memcached multi-get failed: " + e.getMessage() + client.authenticationProblem(), e);
    }
  }

  private static String name(SocketAddress address) {
    InetSocketAddress a = (InetSocketAddress) address;
    return a.getHostString() + ":" + a.getPort();
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void write(String entryKey, StoredEntry entry, long ttlMillis) {
    requireValidKey(entryKey);
    byte[] value = entry.toBytes();
    if (value.length > maxEntryBytes) {
      // The caller keeps its value; memcached would refuse the item anyway.
      oversized.increment();
      return;
    }
    int expiration = Expiration.of(ttlMillis, System.currentTimeMillis());
    Boolean stored = await(client.set(entryKey, expiration, value, bytes), deadline(), "set");
    if (!Boolean.TRUE.equals(stored)) {
      throw new CacheBackendException("memcached did not store '" + entryKey + "'");
    }
  }

  @Override
  public void delete(String entryKey) {
    requireValidKey(entryKey);
    await(client.delete(entryKey), deadline(), "delete");
  }

  @Override
  public void bumpTags(List<String> tagKeys) {
    for (String k : tagKeys) {
      requireValidKey(k);
    }
    fenceUndelivered(bump(tagKeys));
  }

  @Override
  public void lockTags(List<String> tagKeys, long deadlineMillis) {
    for (String k : tagKeys) {
      requireValidKey(k);
    }
    List<String> undelivered =
        update(tagKeys, now -> TagVersions.locked(now, deadlineMillis, System.currentTimeMillis()));
    fenceUndelivered(undelivered);
    if (!undelivered.isEmpty()) {
      // The fence invalidated what the unreachable node holds, but the tags are not locked: a
      // value loaded during the write could be stored and served after its commit.
      throw new CacheBackendException(
          "lock of "
              + undelivered.size()
              + " tag(s) not delivered to memcached (their entries were fenced, not locked)"
              + client.authenticationProblem());
    }
  }

  @Override
  public void unlockTags(List<String> tagKeys) {
    for (String k : tagKeys) {
      requireValidKey(k);
    }
    fenceUndelivered(update(tagKeys, now -> TagVersions.unlocked(now, System.currentTimeMillis())));
  }

  /**
   * Replaces each key's stored text with what {@code next} makes of it (null: absent), atomically
   * against other clients: {@code gets} and {@code cas}, or {@code add} where absent, again when
   * another client changed it in between. Returns the keys that could not be reached.
   */
  private List<String> update(List<String> keys, UnaryOperator<byte @Nullable []> next) {
    List<String> undelivered = new ArrayList<>(0);
    for (String k : keys) {
      try {
        update(k, next);
      } catch (CacheBackendException e) {
        undelivered.add(k);
      }
    }
    return undelivered;
  }

  private void update(String key, UnaryOperator<byte @Nullable []> next) {
    long deadline = deadline();
    while (System.nanoTime() < deadline) {
      CASValue<byte[]> current = awaitNullable(client.asyncGets(key, bytes), deadline, "gets");
      if (current == null) {
        if (Boolean.TRUE.equals(
            await(client.add(key, 0, next.apply(null), bytes), deadline, "add"))) {
          return;
        }
        continue; // another client created it meanwhile
      }
      CASResponse r =
          await(
              client.asyncCAS(key, current.getCas(), 0, next.apply(current.getValue()), bytes),
              deadline,
              "cas");
      if (r == CASResponse.OK) {
        return;
      }
      // EXISTS or NOT_FOUND: another client changed it since the gets; read it again.
    }
    throw new CacheBackendException(
        "memcached update of '" + key + "' kept losing to other clients");
  }

  /**
   * In a pool, bumps the fence of each node a tag change could not reach, on every copy, so every
   * version that node holds changes for every client; throws if there is no fence or a copy cannot
   * be bumped.
   */
  private void fenceUndelivered(List<String> undelivered) {
    if (undelivered.isEmpty()) {
      return;
    }
    if (!layout.fenced()) {
      throw new CacheBackendException(
          "bump of "
              + undelivered.size()
              + " tag version(s) not delivered to memcached"
              + client.authenticationProblem());
    }
    Set<Integer> nodes = new LinkedHashSet<>();
    for (String k : undelivered) {
      nodes.add(layout.nodeOf(k));
    }
    Set<Integer> notRaised = raiseFences(nodes);
    fenceBumps.add(nodes.size() - notRaised.size());
    if (!notRaised.isEmpty()) {
      throw new CacheBackendException(
          "bump of "
              + undelivered.size()
              + " tag version(s) not delivered to memcached node(s) "
              + names(nodes)
              + ", nor to every copy of the fence of "
              + names(notRaised)
              + client.authenticationProblem());
    }
  }

  /**
   * Bumps the fences of these nodes: every copy is raised to one value above what any copy holds
   * ({@link FencedVersions#raisedTarget}), so that every reader, whichever copies it reaches, sees
   * a fence it never saw before, and the copies agree. Returns the nodes some copy of whose fence
   * could not be raised (those that could are raised all the same).
   */
  private Set<Integer> raiseFences(Set<Integer> nodes) {
    if (nodes.isEmpty()) {
      return Set.of();
    }
    List<String> copies = new ArrayList<>(2 * nodes.size());
    for (int node : nodes) {
      copies.addAll(layout.fenceKeys(node));
    }
    MultiGetClient.Reply found;
    try {
      found = multiGet(copies);
    } catch (CacheBackendException e) {
      return nodes;
    }
    Set<Integer> notRaised = new LinkedHashSet<>();
    for (int node : nodes) {
      List<String> keys = layout.fenceKeys(node);
      UnaryOperator<byte @Nullable []> raise =
          FencedVersions.raisedTo(FencedVersions.raisedTarget(keys, found));
      for (String k : keys) {
        if (!found.answered(k)) {
          // Its value is unknown: the target may be below it.
          notRaised.add(node);
          continue;
        }
        try {
          update(k, raise);
        } catch (CacheBackendException e) {
          notRaised.add(node);
        }
      }
    }
    return notRaised;
  }

  @Override
  public void evict(String entryKey, String keyTagKey) {
    requireValidKey(entryKey);
    // Both in one round trip: the bump alone already makes the entry unservable.
    OperationFuture<Boolean> delete = client.delete(entryKey);
    bumpTags(List.of(keyTagKey));
    try {
      await(delete, deadline(), "delete");
    } catch (CacheBackendException ignored) {
      // The key tag was bumped: the entry can never be served, it only waits for its expiry.
    }
  }

  /**
   * Gives each key a version never used before; returns the keys that could not be reached. A
   * missing version is created fresh with {@code add}; if that loses a race, the winner's value is
   * incremented; a value that is not a number is replaced with a fresh one.
   */
  private List<String> bump(List<String> keys) {
    long deadline = deadline();
    List<OperationFuture<Long>> incrs = new ArrayList<>(keys.size());
    for (String k : keys) {
      incrs.add(client.asyncIncr(k, 1L));
    }
    List<String> undelivered = new ArrayList<>(0);
    for (int i = 0; i < keys.size(); i++) {
      String k = keys.get(i);
      try {
        OperationFuture<Long> incr = incrs.get(i);
        if (await(incr, deadline, "incr") >= 0) {
          continue;
        }
        if (incr.getStatus().getStatusCode() != StatusCode.ERR_NOT_FOUND) {
          // Not a counter: a write lock, which a bump keeps, or a planted value.
          update(k, TagVersions::bumped);
          continue;
        }
        if (Boolean.TRUE.equals(
            await(client.add(k, 0, freshVersion(), bytes), deadline(), "add"))) {
          continue;
        }
        OperationFuture<Long> again = client.asyncIncr(k, 1L);
        if (await(again, deadline(), "incr") < 0) {
          update(k, TagVersions::bumped);
        }
      } catch (CacheBackendException e) {
        undelivered.add(k);
      }
    }
    return undelivered;
  }

  private static byte[] freshVersion() {
    return Long.toString(TagVersions.fresh()).getBytes(StandardCharsets.US_ASCII);
  }

  private long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  private <T> @Nullable T awaitNullable(Future<T> future, long deadline, String operation) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheBackendException("memcached " + operation + " interrupted", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new CacheBackendException(
          "memcached " + operation + " failed: " + e.getMessage() + client.authenticationProblem(),
          e);
    }
  }

  private <T> T await(Future<T> future, long deadline, String operation) {
    try {
      T result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (result == null) {
        throw new CacheBackendException("memcached " + operation + " returned nothing");
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheBackendException("memcached " + operation + " interrupted", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (e instanceof CacheBackendException) {
        throw (CacheBackendException) e;
      }
      throw new CacheBackendException(
          "memcached " + operation + " failed: " + e.getMessage() + client.authenticationProblem(),
          e);
    }
  }

  private String names(Set<Integer> nodes) {
    List<String> names = new ArrayList<>(nodes.size());
    for (int n : nodes) {
      names.add(layout.name(n));
    }
    return String.join(", ", names);
  }

  /** Rejects keys memcached cannot carry, before any I/O. */
  private static String requireValidKey(String key) {
    int n = key.length();
    if (n == 0 || n > MAX_KEY_BYTES) {
      throw new InvalidCacheKeyException(
          "memcached key of " + n + " characters; 1 to " + MAX_KEY_BYTES + " allowed");
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      // Printable ASCII only: no whitespace, no control characters, one byte per character.
      if (c <= 0x20 || c >= 0x7f) {
        throw new InvalidCacheKeyException(
            "memcached key has character 0x" + Integer.toHexString(c) + " at " + i);
      }
    }
    return key;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "MemcachedBackend" + Arrays.toString(namesOfAll());
  }

  private String[] namesOfAll() {
    String[] names = new String[layout.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = layout.name(i);
    }
    return names;
  }

  /**
   * The spymemcached client, able to tell which nodes have not authenticated: wrong credentials
   * otherwise look like timeouts, as operations wait for an authentication that never succeeds.
   */
  private static final class AuthenticatingClient extends MultiGetClient {
    private final boolean authenticates;

    AuthenticatingClient(
        ConnectionFactory factory, List<InetSocketAddress> addresses, boolean authenticates)
        throws IOException {
      super(factory, addresses);
      this.authenticates = authenticates;
    }

    /** With credentials, names the nodes where SASL authentication has not succeeded; else "". */
    String authenticationProblem() {
      if (!authenticates) {
        return "";
      }
      List<String> nodes = new ArrayList<>();
      // getNodeLocator() returns read-only nodes, which hide their authentication state.
      for (MemcachedNode node : mconn.getLocator().getAll()) {
        if (!node.isAuthenticated()) {
          nodes.add(name(node.getSocketAddress()));
        }
      }
      return nodes.isEmpty()
          ? ""
          : "; SASL authentication has not succeeded on " + String.join(", ", nodes);
    }
  }

  /** Counts nodes down as their first connection is established. */
  private static final class FirstConnections implements ConnectionObserver {
    private final CountDownLatch connected;
    private final Set<SocketAddress> seen = ConcurrentHashMap.newKeySet();

    FirstConnections(CountDownLatch connected) {
      this.connected = connected;
    }

    @Override
    public void connectionEstablished(SocketAddress address, int reconnectCount) {
      if (seen.add(address)) {
        connected.countDown();
      }
    }

    @Override
    public void connectionLost(SocketAddress address) {}
  }

  /**
   * Builds a {@link MemcachedBackend}. Every setting is checked when set; a bad value throws {@link
   * CacheConfigurationException} naming it.
   */
  public static final class Builder {
    private @Nullable String servers;
    private Duration operationTimeout = Duration.ofMillis(DEFAULT_OPERATION_TIMEOUT_MILLIS);
    private int itemSizeLimit = DEFAULT_ITEM_SIZE_LIMIT;
    private int timeoutExceptionThreshold = DEFAULT_TIMEOUT_EXCEPTION_THRESHOLD;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Duration connectWait = DEFAULT_CONNECT_WAIT;
    private @Nullable String username;
    private @Nullable String password;

    private Builder() {}

    /**
     * Sets the servers: {@code host:port} addresses separated by spaces or commas. Required.
     *
     * @param servers for example {@code "127.0.0.1:11211 127.0.0.1:11212"}
     * @return this builder
     */
    public Builder servers(String servers) {
      if (servers == null || servers.isBlank()) {
        throw new CacheConfigurationException("servers must name at least one host:port");
      }
      parse(servers);
      this.servers = servers;
      return this;
    }

    /**
     * Sets how long one operation may take before it counts as failed. Default {@value
     * #DEFAULT_OPERATION_TIMEOUT_MILLIS} ms.
     *
     * @param timeout 1 ms to 60 s
     * @return this builder
     */
    public Builder operationTimeout(Duration timeout) {
      if (timeout == null
          || timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new CacheConfigurationException(
            "operationTimeout must be between 1 ms and 60 s, was " + timeout);
      }
      this.operationTimeout = timeout;
      return this;
    }

    /**
     * Sets the servers' item size limit (memcached's {@code -I}); entries that would not fit are
     * not stored. Default 1 MiB.
     *
     * @param bytes 1 KiB to 1 GiB, as memcached allows
     * @return this builder
     */
    public Builder itemSizeLimit(int bytes) {
      if (bytes < 1024 || bytes > 1 << 30) {
        throw new CacheConfigurationException(
            "itemSizeLimit must be between 1024 and " + (1 << 30) + " bytes, was " + bytes);
      }
      this.itemSizeLimit = bytes;
      return this;
    }

    /**
     * Sets after how many timeouts in a row a node's connection is dropped and re-opened. Default
     * {@value #DEFAULT_TIMEOUT_EXCEPTION_THRESHOLD}.
     *
     * @param timeouts at least 2 (spymemcached's minimum)
     * @return this builder
     */
    public Builder timeoutExceptionThreshold(int timeouts) {
      if (timeouts < 2) {
        throw new CacheConfigurationException(
            "timeoutExceptionThreshold must be at least 2, was " + timeouts);
      }
      this.timeoutExceptionThreshold = timeouts;
      return this;
    }

    /**
     * Sets the longest wait between attempts to reconnect to a lost node, in whole seconds (rounded
     * up). Default 2 s.
     *
     * @param delay 1 s to 10 min
     * @return this builder
     */
    public Builder maxReconnectDelay(Duration delay) {
      if (delay == null
          || delay.compareTo(Duration.ofSeconds(1)) < 0
          || delay.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new CacheConfigurationException(
            "maxReconnectDelay must be between 1 s and 10 min, was " + delay);
      }
      this.maxReconnectDelay = delay;
      return this;
    }

    /**
     * Sets how long {@link #build()} waits for the first connection to every node (and, with {@link
     * #credentials}, for its authentication). A node that is not connected by then is not an error:
     * its operations fail fast (misses) until it is. Default 2 s.
     *
     * @param wait 0 to 60 s
     * @return this builder
     */
    public Builder connectWait(Duration wait) {
      if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new CacheConfigurationException(
            "connectWait must be between 0 and 60 s, was " + wait);
      }
      this.connectWait = wait;
      return this;
    }

    /**
     * Authenticates with SASL PLAIN over the binary protocol (memcached started with {@code -S}).
     * Where authentication fails, operations fail (reads are misses, nothing is stored) and their
     * errors name the nodes on which authentication has not succeeded.
     *
     * @param username the user
     * @param password the password
     * @return this builder
     */
    public Builder credentials(String username, String password) {
      if (username == null || username.isEmpty()) {
        throw new CacheConfigurationException("SASL username must not be empty, was " + username);
      }
      if (password == null) {
        throw new CacheConfigurationException("SASL password of '" + username + "' is null");
      }
      this.username = username;
      this.password = password;
      return this;
    }

    /**
     * Builds the backend. Connections are opened in the background; until a node answers, its
     * operations fail fast and the core treats them as misses.
     *
     * @return a new backend; close it to release its connections and I/O thread
     * @throws CacheConfigurationException if no servers were set
     */
    public MemcachedBackend build() {
      String s = servers;
      if (s == null) {
        throw new CacheConfigurationException("servers must be set");
      }
      return new MemcachedBackend(this, parse(s));
    }

    private static List<InetSocketAddress> parse(String servers) {
      List<InetSocketAddress> addresses;
      try {
        addresses = AddrUtil.getAddresses(servers.trim());
      } catch (IllegalArgumentException e) {
        throw new CacheConfigurationException(
            "servers '" + servers + "' are not host:port addresses: " + e.getMessage(), e);
      }
      if (addresses.isEmpty()) {
        throw new CacheConfigurationException("servers '" + servers + "' name no host:port");
      }
      if (new LinkedHashSet<>(addresses).size() != addresses.size()) {
        throw new CacheConfigurationException("servers '" + servers + "' list a server twice");
      }
      for (InetSocketAddress a : addresses) {
        if (a.getPort() == 0) {
          throw new CacheConfigurationException("servers '" + servers + "' has port 0");
        }
      }
      return addresses;
    }
  }
}
