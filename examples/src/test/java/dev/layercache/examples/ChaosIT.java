package dev.layercache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layercache.CacheInvalidationException;
import dev.layercache.CacheKey;
import dev.layercache.CachePolicy;
import dev.layercache.LayerCache;
import dev.layercache.internal.CacheEngine;
import dev.layercache.memcached.MemcachedBackend;
import dev.layercache.redis.RedisBackend;
import dev.layercache.spi.CacheBackend;
import dev.layercache.testkit.PartitionProxy;
import dev.layercache.testkit.ServerProcess;
import dev.layercache.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults as an operator sees them: two application servers, each reaching the backend (Redis, or a
 * two-node memcached pool) through its own relays (for memcached, shared relays: a pool's key
 * placement depends on the addresses each client lists); four readers and one writer that locks a
 * key's tag, commits to the "database" and unlocks, about 100 times a second over 32 keys, with
 * strict invalidation (a write whose lock the cache did not take is refused, as the query-result
 * cache refuses it). Each fault lasts a few seconds; per fault the run prints operations, stale
 * reads, caller errors, refused writes, p99 and maximum read latency, when a circuit breaker opened
 * and how long the hit ratio took to recover. It fails on any stale read or caller error.
 *
 * <p>{@code -Dlayercache.chaos.seconds=20} makes each fault last longer (default 3).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChaosIT {
  private static final int KEYS = 32;
  private static final long FAULT_MILLIS =
      TimeUnit.SECONDS.toMillis(Long.getLong("layercache.chaos.seconds", 3));
  private static final long RECOVERY_MILLIS = 3000;

  /** One application server: its cache and its relays to every backend node. */
  private record AppServer(String name, LayerCache cache, List<PartitionProxy> links) {
    void each(Consumer<PartitionProxy> fault) {
      links.forEach(fault);
    }
  }

  /** A fault: what to do to start it and to end it. */
  private record Fault(String name, Runnable start, Runnable end) {}

  private final AtomicLongArray db = new AtomicLongArray(KEYS);
  private final LongAdder ops = new LongAdder();
  private final LongAdder loads = new LongAdder();
  private final LongAdder stale = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final Recorder latency = new Recorder(3);
  private final List<String> report = new ArrayList<>();

  private static CachePolicy policy(int k) {
    return CachePolicy.builder().ttl(Duration.ofMinutes(5)).tags("k" + k).build();
  }

  private static List<PartitionProxy> relays(List<ServerProcess> nodes) throws Exception {
    List<PartitionProxy> links = new ArrayList<>();
    for (ServerProcess n : nodes) {
      links.add(PartitionProxy.to(n.host(), n.port()));
    }
    return links;
  }

  private static AppServer server(String name, String backend, List<PartitionProxy> links) {
    CacheBackend b;
    if (backend.equals("redis")) {
      b = RedisBackend.builder().standalone("127.0.0.1", links.get(0).port()).build();
    } else {
      List<String> addresses = new ArrayList<>();
      links.forEach(l -> addresses.add(l.address()));
      b = MemcachedBackend.builder().servers(String.join(" ", addresses)).build();
    }
    LayerCache cache =
        LayerCache.builder().namespace("chaos").backend(b).strictInvalidation(true).build();
    return new AppServer(name, cache, links);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "memcached"})
  void faults_neverServeStaleData_norFailACaller(String backend) throws Exception {
    List<ServerProcess> nodes = new ArrayList<>();
    if (backend.equals("redis")) {
      nodes.add(TestServers.startRedis());
    } else {
      nodes.add(TestServers.startMemcached());
      nodes.add(TestServers.startMemcached());
    }
    // A memcached pool places keys by the node addresses each client lists: the two servers must
    // list the same ones, so they share one relay per node, and a fault at one is a fault at both.
    List<PartitionProxy> linksOfA = relays(nodes);
    List<PartitionProxy> linksOfB = backend.equals("redis") ? relays(nodes) : linksOfA;
    AppServer a = server("A", backend, linksOfA);
    AppServer b = server("B", backend, linksOfB);
    List<Fault> faults =
        List.of(
            new Fault(
                "writer cut off",
                () -> a.each(PartitionProxy::cut),
                () -> a.each(PartitionProxy::heal)),
            new Fault(
                "reader cut off",
                () -> b.each(PartitionProxy::cut),
                () -> b.each(PartitionProxy::heal)),
            new Fault(
                "300 ms latency at B",
                () -> b.each(l -> l.latency(Duration.ofMillis(300))),
                () -> b.each(PartitionProxy::clearFaults)),
            new Fault(
                "writer's replies lost",
                () -> a.each(l -> l.dropReplies(true)),
                () ->
                    a.each(
                        l -> {
                          l.dropReplies(false);
                          l.reset(); // connections that lost replies are out of step
                        })),
            new Fault(
                "connections reset",
                () -> {
                  a.each(PartitionProxy::reset);
                  b.each(PartitionProxy::reset);
                },
                () -> {}),
            new Fault(
                "server frozen (SIGSTOP)",
                () -> nodes.get(0).pause(),
                () -> nodes.get(0).resume()));
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      List<Future<?>> workers = new ArrayList<>();
      workers.add(pool.submit(() -> write(a, done)));
      for (AppServer s : List.of(a, a, b, b)) {
        workers.add(pool.submit(() -> read(s, done)));
      }
      phase("baseline", a, b, null, 2000);
      double baseline = ratio();
      for (Fault f : faults) {
        phase(f.name(), a, b, f, FAULT_MILLIS, baseline);
      }
      done.set(true);
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
      a.cache().close();
      b.cache().close();
      linksOfA.forEach(PartitionProxy::close);
      linksOfB.forEach(PartitionProxy::close);
      nodes.forEach(ServerProcess::close);
    }
    System.out.println(
        "chaos run, "
            + backend
            + (linksOfA == linksOfB ? ", both servers behind the same relays" : "")
            + " (each fault "
            + FAULT_MILLIS
            + " ms):");
    report.forEach(System.out::println);
    assertThat(stale.sum()).as("stale reads over the whole run").isZero();
    assertThat(errors.sum()).as("caller errors over the whole run").isZero();
    assertThat(writes.sum()).as("writes went through outside the faults").isPositive();
  }

  private long loadsMark;
  private long opsMark;

  /** The hit ratio since the last call. */
  private double ratio() {
    long o = ops.sum();
    long l = loads.sum();
    double r = o == opsMark ? 0 : 1 - (double) (l - loadsMark) / (o - opsMark);
    opsMark = o;
    loadsMark = l;
    return r;
  }

  private void phase(String name, AppServer a, AppServer b, Fault f, long millis) {
    phase(name, a, b, f, millis, Double.NaN);
  }

  private void phase(String name, AppServer a, AppServer b, Fault f, long millis, double baseline) {
    long ops0 = ops.sum();
    long stale0 = stale.sum();
    long errors0 = errors.sum();
    long refused0 = refused.sum();
    latency.reset();
    long start = System.nanoTime();
    if (f != null) {
      f.start().run();
    }
    long breakerOpened = -1;
    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(millis)) {
      if (breakerOpened < 0 && (open(a) || open(b))) {
        breakerOpened = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    long recovered = -1;
    if (f != null) {
      f.end().run();
      long ended = System.nanoTime();
      ratio();
      while (System.nanoTime() - ended < TimeUnit.MILLISECONDS.toNanos(RECOVERY_MILLIS)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        if (recovered < 0 && ratio() >= 0.8 * baseline) {
          recovered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ended);
        }
      }
    }
    org.HdrHistogram.Histogram h = latency.getIntervalHistogram();
    report.add(
        String.format(
            Locale.ROOT,
            "  %-24s ops %7d  stale %d  errors %d  refused writes %4d  p99 %6.1f ms  max %7.1f ms"
                + "  breaker opened %s  hit ratio back %s",
            name,
            ops.sum() - ops0,
            stale.sum() - stale0,
            errors.sum() - errors0,
            refused.sum() - refused0,
            h.getValueAtPercentile(99) / 1e6,
            h.getMaxValue() / 1e6,
            breakerOpened < 0 ? "never" : "after " + breakerOpened + " ms",
            f == null
                ? "-"
                : recovered < 0
                    ? "not within " + RECOVERY_MILLIS + " ms"
                    : "after " + recovered + " ms"));
  }

  private static boolean open(AppServer s) {
    return ((CacheEngine) s.cache()).circuitBreakerState().equals("OPEN");
  }

  private Void write(AppServer a, AtomicBoolean done) {
    while (!done.get()) {
      int k = ThreadLocalRandom.current().nextInt(KEYS);
      List<String> tag = List.of("k" + k);
      try {
        a.cache().lockTags(tag, Duration.ofSeconds(30));
      } catch (CacheInvalidationException e) {
        refused.increment(); // the write is not committed: the cache could not lock it
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        continue;
      }
      db.incrementAndGet(k); // the commit
      a.cache().unlockTags(tag);
      writes.increment();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return null;
  }

  private Void read(AppServer s, AtomicBoolean done) {
    while (!done.get()) {
      int k = ThreadLocalRandom.current().nextInt(KEYS);
      long floor = db.get(k); // committed before this read began
      long t0 = System.nanoTime();
      try {
        Long v =
            s.cache()
                .get(
                    CacheKey.of("item", k),
                    Long.class,
                    policy(k),
                    () -> {
                      loads.increment();
                      return db.get(k);
                    });
        if (v == null || v < floor) {
          stale.increment();
        }
      } catch (RuntimeException e) {
        errors.increment();
      }
      latency.recordValue(System.nanoTime() - t0);
      ops.increment();
    }
    return null;
  }
}
