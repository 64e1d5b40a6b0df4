package dev.layercache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.local.LocalBackend;
import dev.layercache.testsupport.Waiting;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final LayerCache cache =
      LayerCache.builder().namespace("sf").backend(LocalBackend.builder().build()).build();
  private final CachePolicy policy = CachePolicy.builder().tags("t").build();

  @AfterEach
  void close() {
    pool.shutdownNow();
    cache.close();
  }

  @Test
  void followerOfFailedLeader_runsItsOwnLoader() throws Exception {
    CacheKey key = CacheKey.of("k", 1);
    CountDownLatch leaderIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<String> leader =
        pool.submit(
            () ->
                cache.get(
                    key,
                    String.class,
                    policy,
                    () -> {
                      leaderIn.countDown();
                      release.await();
                      throw new IllegalStateException("leader's own failure");
                    }));
    leaderIn.await();
    AtomicInteger followerLoads = new AtomicInteger();
    AtomicReference<Thread> followerThread = new AtomicReference<>();
    Future<String> follower =
        pool.submit(
            () -> {
              followerThread.set(Thread.currentThread());
              return cache.get(
                  key, String.class, policy, () -> "follower-" + followerLoads.incrementAndGet());
            });
    Waiting.until("the follower runs", () -> followerThread.get() != null);
    Waiting.untilFollowing(followerThread.get());
    release.countDown();
    assertThatThrownBy(() -> leader.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(follower.get(30, TimeUnit.SECONDS)).isEqualTo("follower-1");
  }

  @Test
  void lateCaller_afterInvalidation_doesNotJoinOlderLoad() throws Exception {
    CacheKey key = CacheKey.of("k", 2);
    AtomicInteger db = new AtomicInteger(1);
    CountDownLatch leaderIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> leader =
        pool.submit(
            () ->
                cache.get(
                    key,
                    Integer.class,
                    policy,
                    () -> {
                      int v = db.get();
                      leaderIn.countDown();
                      release.await();
                      return v;
                    }));
    leaderIn.await();
    db.set(2);
    cache.invalidateTags("t"); // the write completed before the next caller starts
    Future<Integer> late = pool.submit(() -> cache.get(key, Integer.class, policy, db::get));
    assertThat(late.get(30, TimeUnit.SECONDS)).as("a new flight, not the old one").isEqualTo(2);
    release.countDown();
    assertThat(leader.get(30, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void failingNestedLoad_stillMakesTheOuterValueDependOnIt() throws Exception {
    CachePolicy inner = CachePolicy.builder().tags("inner").build();
    String outer =
        cache.get(
            CacheKey.of("outer", 1),
            String.class,
            CachePolicy.DEFAULT,
            () -> {
              try {
                cache.get(
                    CacheKey.of("inner", 1),
                    String.class,
                    inner,
                    () -> {
                      throw new IllegalStateException("too large to cache");
                    });
              } catch (IllegalStateException e) {
                // An integration recovers and serves the data some other way.
              }
              return "built";
            });
    assertThat(outer).isEqualTo("built");
    assertThat(cache.get(CacheKey.of("outer", 1), String.class)).isEqualTo("built");
    cache.invalidateTags("inner");
    assertThat(cache.get(CacheKey.of("outer", 1), String.class)).isNull();
  }

  @Test
  void markUncacheable_keepsTheOuterValueOutOfTheCache() {
    AtomicInteger loads = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      cache.get(
          CacheKey.of("dirty", 1),
          String.class,
          CachePolicy.DEFAULT,
          () -> {
            loads.incrementAndGet();
            cache.markUncacheable("read uncommitted rows");
            return "v";
          });
    }
    assertThat(loads).hasValue(2);
  }

  @Test
  void follower_doesNotReceiveValueBuiltFromADependencyInvalidatedBeforeItArrived()
      throws Exception {
    CacheKey stream = CacheKey.of("stream", 1);
    CacheKey friend = CacheKey.of("friend", 2);
    CachePolicy friendPolicy = CachePolicy.builder().tags("activity:2").build();
    AtomicInteger db = new AtomicInteger(1);
    CountDownLatch leaderRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // The leader's value depends on activity:2 only through a nested read, not through its policy.
    Future<Integer> leader =
        pool.submit(
            () ->
                cache.get(
                    stream,
                    Integer.class,
                    policy,
                    () -> {
                      int v = cache.get(friend, Integer.class, friendPolicy, db::get);
                      leaderRead.countDown();
                      release.await();
                      return v;
                    }));
    leaderRead.await();
    db.set(2);
    cache.invalidateTags("activity:2"); // completed before the follower starts
    AtomicReference<Thread> followerThread = new AtomicReference<>();
    Future<Integer> follower =
        pool.submit(
            () -> {
              followerThread.set(Thread.currentThread());
              return cache.get(
                  stream,
                  Integer.class,
                  policy,
                  () -> cache.get(friend, Integer.class, friendPolicy, db::get));
            });
    Waiting.until("the follower runs", () -> followerThread.get() != null);
    Waiting.untilFollowing(followerThread.get()); // it joined the leader's flight
    release.countDown();
    assertThat(leader.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(follower.get(30, TimeUnit.SECONDS))
        .as("a value built before the invalidation the follower saw")
        .isEqualTo(2);
  }
}
