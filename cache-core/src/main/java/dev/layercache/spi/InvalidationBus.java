package dev.layercache.spi;

/**
 * Carries invalidations between the application servers that share a backend, so that each can keep
 * a near cache (see {@link dev.layercache.near.NearCacheBackend}). Delivery is best effort; what a
 * subscriber must be told is when it may have missed something: a lost subscription is reported
 * through {@link Listener#disconnected}, and messages are numbered per sender so that a gap is
 * visible.
 *
 * <p>Implementations are thread-safe.
 */
public interface InvalidationBus extends AutoCloseable {
  /**
   * Sends a message to every subscriber, this process's included.
   *
   * @param message the message
   * @throws RuntimeException if it could not be sent; the caller treats the invalidation as
   *     undelivered
   */
  void publish(InvalidationMessage message);

  /**
   * Starts delivering messages to a listener, from a thread of the bus. Call once.
   *
   * @param listener receives messages and connection changes
   */
  void subscribe(Listener listener);

  /** Stops delivery and releases connections. */
  @Override
  void close();

  /** What a subscriber hears. Called from the bus's thread, never concurrently. */
  interface Listener {
    /**
     * The subscription is live: from now on every message published reaches {@link #message}.
     * Messages published before may have been missed.
     */
    void connected();

    /**
     * The subscription was lost or is not known to be healthy: messages may be missed until {@link
     * #connected} is called again.
     *
     * @param cause why
     */
    void disconnected(Throwable cause);

    /**
     * A message arrived.
     *
     * @param message the message
     */
    void message(InvalidationMessage message);
  }
}
