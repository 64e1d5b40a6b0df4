package dev.layercache;

import com.fasterxml.jackson.core.type.TypeReference;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sessions kept in the shared cache, so any application server can serve any user and none keeps
 * user data of its own. Expiry slides: each read extends the session, and a session idle for longer
 * than the idle timeout is gone; an optional maximum lifetime bounds it absolutely.
 *
 * <pre>{@code
 * SessionStore<Login> sessions = SessionStore.builder(cache, Login.class)
 *     .idleTimeout(Duration.ofMinutes(30)).build();
 * String id = sessions.create(new Login(userId, roles));
 * Optional<Login> login = sessions.find(id);   // extends the session
 * }</pre>
 *
 * <p>The data and the last-access mark are two entries read together in one backend round trip; a
 * read rewrites only the small access mark, and at most once per {@linkplain Builder#touchInterval
 * touch interval}, so reads never overwrite a concurrent {@link #update}. Session ids are 256
 * random bits; like every key part they reach the backend only hashed.
 *
 * @param <T> the session data type, treated as immutable
 */
public final class SessionStore<T> {
  /** Idle timeout when none is set. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** Maximum lifetime when none is set. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(12);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final LayerCache cache;
  private final String name;
  private final String touchName;
  private final Type recordType;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final long touchIntervalMillis;
  private final Clock clock;

  /**
   * What is stored for a session: once with its data, once as the access mark (without data). One
   * type for both lets a read fetch them together in one round trip.
   *
   * @param data the application's session data, null in the access mark
   * @param createdAt creation time, epoch milliseconds
   * @param lastAccessedAt last read or write, epoch milliseconds
   * @param <T> the data type
   */
  public record Stored<T>(@Nullable T data, long createdAt, long lastAccessedAt) {}

  /**
   * {@code Stored<T>} for the application's data type, built without a Jackson type factory so that
   * sessions work with either Jackson's codec.
   */
  private static final class StoredType implements ParameterizedType {
    private final Type[] arguments;

    StoredType(Type dataType) {
      this.arguments = new Type[] {dataType};
    }

    @Override
    public Type[] getActualTypeArguments() {
      return arguments.clone();
    }

    @Override
    public Type getRawType() {
      return Stored.class;
    }

    @Override
    public @Nullable Type getOwnerType() {
      return SessionStore.class;
    }

    // Equal to any ParameterizedType of the same parts, as the JDK's own implementation is.
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof ParameterizedType
          && ((ParameterizedType) o).getRawType().equals(Stored.class)
          && Objects.equals(((ParameterizedType) o).getOwnerType(), SessionStore.class)
          && Arrays.equals(((ParameterizedType) o).getActualTypeArguments(), arguments);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(arguments) ^ SessionStore.class.hashCode() ^ Stored.class.hashCode();
    }

    @Override
    public String toString() {
      return Stored.class.getName() + "<" + arguments[0].getTypeName() + ">";
    }
  }

  private SessionStore(Builder<T> b) {
    this.cache = b.cache;
    this.name = b.name;
    this.touchName = b.name + ".touch";
    this.recordType = new StoredType(b.dataType);
    this.idleTimeout = b.idleTimeout;
    this.maxLifetime = b.maxLifetime;
    this.touchIntervalMillis =
        b.touchInterval != null
            ? b.touchInterval.toMillis()
            : Math.max(1000, idleTimeout.toMillis() / 4);
    this.clock = b.clock;
  }

  /**
   * Starts a builder.
   *
   * @param cache the shared cache
   * @param dataType the session data type
   * @param <T> the data type
   * @return a builder
   */
  public static <T> Builder<T> builder(LayerCache cache, Class<T> dataType) {
    return new Builder<>(cache, dataType);
  }

  /**
   * Starts a builder for a generic data type.
   *
   * @param cache the shared cache
   * @param dataType the session data type
   * @param <T> the data type
   * @return a builder
   */
  public static <T> Builder<T> builder(LayerCache cache, TypeReference<T> dataType) {
    return new Builder<>(cache, dataType.getType());
  }

  /**
   * Creates a session.
   *
   * @param data the session data
   * @return the new session id (43 URL-safe characters)
   * @throws CacheBackendException if the backend could not store the session: a session exists
   *     nowhere else, so it is never dropped silently (the user would be logged in, then out)
   */
  public String create(T data) {
    Objects.requireNonNull(data, "data");
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    long now = clock.millis();
    stored(cache.put(dataKey(id), new Stored<>(data, now, now), dataPolicy(maxLifetime)), id);
    stored(cache.put(touchKey(id), new Stored<T>(null, now, now), touchPolicy()), id);
    return id;
  }

  /**
   * Finds a session and extends it.
   *
   * @param id the session id
   * @return the data, or empty if the session does not exist, was idle too long or is too old
   */
  public Optional<T> find(String id) {
    Objects.requireNonNull(id, "id");
    CacheKey dataKey = dataKey(id);
    CacheKey touchKey = touchKey(id);
    Map<CacheKey, Stored<T>> both = cache.getAll(List.of(dataKey, touchKey), recordType);
    Stored<T> stored = both.get(dataKey);
    Stored<T> touch = both.get(touchKey);
    if (stored == null || touch == null || stored.data() == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    if (now - stored.createdAt() >= maxLifetime.toMillis()) {
      invalidate(id);
      return Optional.empty();
    }
    if (now - touch.lastAccessedAt() >= touchIntervalMillis) {
      cache.put(touchKey, new Stored<T>(null, stored.createdAt(), now), touchPolicy());
    }
    return Optional.of(stored.data());
  }

  /**
   * Replaces a session's data, keeping its id and creation time.
   *
   * @param id the session id
   * @param data the new data
   * @return false if the session no longer exists
   * @throws CacheBackendException if the backend could not store the new data
   */
  public boolean update(String id, T data) {
    Objects.requireNonNull(data, "data");
    Map<CacheKey, Stored<T>> both = cache.getAll(List.of(dataKey(id), touchKey(id)), recordType);
    Stored<T> stored = both.get(dataKey(id));
    if (stored == null || both.get(touchKey(id)) == null) {
      return false;
    }
    long now = clock.millis();
    long left = maxLifetime.toMillis() - (now - stored.createdAt());
    if (left <= 0) {
      invalidate(id);
      return false;
    }
    stored(
        cache.put(
            dataKey(id),
            new Stored<>(data, stored.createdAt(), now),
            dataPolicy(Duration.ofMillis(left))),
        id);
    stored(
        cache.put(touchKey(id), new Stored<T>(null, stored.createdAt(), now), touchPolicy()), id);
    return true;
  }

  private void stored(boolean stored, String id) {
    if (!stored) {
      invalidate(id); // nothing half-written is left to be found
      throw new CacheBackendException(
          "session '" + name + "' could not be stored: the cache backend did not accept the write");
    }
  }

  /**
   * Ends a session (log-out).
   *
   * @param id the session id
   */
  public void invalidate(String id) {
    cache.evict(dataKey(id));
    cache.evict(touchKey(id));
  }

  private CacheKey dataKey(String id) {
    return CacheKey.of(name, id);
  }

  private CacheKey touchKey(String id) {
    return CacheKey.of(touchName, id);
  }

  private static CachePolicy dataPolicy(Duration ttl) {
    return CachePolicy.builder().ttl(ttl).jitter(0).build();
  }

  private CachePolicy touchPolicy() {
    return CachePolicy.builder().ttl(idleTimeout).jitter(0).build();
  }

  /**
   * Builds a {@link SessionStore}.
   *
   * @param <T> the data type
   */
  public static final class Builder<T> {
    private final LayerCache cache;
    private final Type dataType;
    private String name = "session";
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
    private @Nullable Duration touchInterval;
    private Clock clock = Clock.systemUTC();

    private Builder(LayerCache cache, Type dataType) {
      this.cache = Objects.requireNonNull(cache, "cache");
      this.dataType = Objects.requireNonNull(dataType, "dataType");
    }

    /**
     * Sets the cache name of session entries. Default {@code session}.
     *
     * @param name a valid cache name
     * @return this builder
     */
    public Builder<T> name(String name) {
      this.name = dev.layercache.internal.KeyEncoding.validateName("session store name", name);
      return this;
    }

    /**
     * Sets how long a session lives without being read.
     *
     * @param idleTimeout at least one second
     * @return this builder
     */
    public Builder<T> idleTimeout(Duration idleTimeout) {
      if (idleTimeout == null || idleTimeout.toMillis() < 1000) {
        throw new CacheConfigurationException(
            "idleTimeout must be at least 1 s, was " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * Sets the absolute lifetime of a session, however active.
     *
     * @param maxLifetime at least the idle timeout
     * @return this builder
     */
    public Builder<T> maxLifetime(Duration maxLifetime) {
      if (maxLifetime == null || maxLifetime.toMillis() < 1000) {
        throw new CacheConfigurationException(
            "maxLifetime must be at least 1 s, was " + maxLifetime);
      }
      this.maxLifetime = maxLifetime;
      return this;
    }

    /**
     * Sets how often a read rewrites the access mark. Default: a quarter of the idle timeout, at
     * least one second. Shorter is more precise and costs more writes.
     *
     * @param interval at least 1 ms and below the idle timeout
     * @return this builder
     */
    public Builder<T> touchInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) {
        throw new CacheConfigurationException(
            "touchInterval must be at least 1 ms, was " + interval);
      }
      this.touchInterval = interval;
      return this;
    }

    /**
     * Sets the clock (tests); use the cache's clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder<T> clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the store.
     *
     * @return the store
     * @throws CacheConfigurationException if the settings contradict each other
     */
    public SessionStore<T> build() {
      if (maxLifetime.compareTo(idleTimeout) < 0) {
        throw new CacheConfigurationException(
            "maxLifetime " + maxLifetime + " is shorter than idleTimeout " + idleTimeout);
      }
      if (touchInterval != null && touchInterval.compareTo(idleTimeout) >= 0) {
        throw new CacheConfigurationException(
            "touchInterval " + touchInterval + " must be shorter than idleTimeout " + idleTimeout);
      }
      return new SessionStore<>(this);
    }
  }
}
