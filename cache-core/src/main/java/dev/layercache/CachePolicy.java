package dev.layercache;

import dev.layercache.internal.KeyEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How an entry is cached: its time to live with random jitter, an optional soft time to live (serve
 * the old value while one background reload runs), the tags it depends on, and whether null and
 * empty results are cached.
 *
 * <p>Immutable and thread-safe; create one per use case and reuse it.
 *
 * <pre>{@code
 * CachePolicy policy = CachePolicy.builder().ttl(Duration.ofMinutes(10)).tags("articles").build();
 * }</pre>
 */
public final class CachePolicy {
  /** Time to live when none is set: 10 minutes. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Jitter when none is set: each TTL is stretched or shrunk by up to 10%. */
  public static final double DEFAULT_JITTER = 0.10;

  /** The policy used when a call gives none: default TTL and jitter, no tags. */
  public static final CachePolicy DEFAULT = builder().build();

  private final Duration ttl;
  private final double jitter;
  private final @Nullable Duration softTtl;
  private final List<String> tags;
  private final boolean cacheNulls;
  private final boolean cacheEmpty;

  // Version keys of the tags, computed once for the namespace last asked (usually the only one).
  private volatile @Nullable ResolvedTags resolved;

  private CachePolicy(Builder b) {
    this.ttl = b.ttl;
    this.jitter = b.jitter;
    this.softTtl = b.softTtl;
    this.tags = List.copyOf(b.tags);
    this.cacheNulls = b.cacheNulls;
    this.cacheEmpty = b.cacheEmpty;
  }

  /**
   * Starts a policy with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this policy's settings.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.ttl = ttl;
    b.jitter = jitter;
    b.softTtl = softTtl;
    b.tags.addAll(tags);
    b.cacheNulls = cacheNulls;
    b.cacheEmpty = cacheEmpty;
    return b;
  }

  /**
   * Time after which an entry is gone.
   *
   * @return the time to live, before jitter
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * The relative jitter applied to each TTL.
   *
   * @return a fraction from 0 to 0.5
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Time after which an entry is still served but reloaded in the background.
   *
   * @return the soft TTL, or null when entries are only hard-expired
   */
  public @Nullable Duration softTtl() {
    return softTtl;
  }

  /**
   * The tags entries written with this policy depend on.
   *
   * @return an immutable list
   */
  public List<String> tags() {
    return tags;
  }

  /**
   * Whether a loader's {@code null} result is cached (negative caching).
   *
   * @return true if nulls are cached
   */
  public boolean cacheNulls() {
    return cacheNulls;
  }

  /**
   * Whether empty results ({@code Optional.empty()}, empty collections, maps and arrays) are
   * cached.
   *
   * @return true if empty results are cached
   */
  public boolean cacheEmpty() {
    return cacheEmpty;
  }

  /**
   * The backend version keys of this policy's tags in a namespace. Computed once and cached.
   *
   * @param namespace a validated namespace
   * @return the version keys, in tag order
   */
  public List<String> tagKeys(String namespace) {
    ResolvedTags r = resolved;
    if (r == null || !r.namespace.equals(namespace)) {
      List<String> keys = new ArrayList<>(tags.size());
      for (String tag : tags) {
        keys.add(KeyEncoding.tagKey(namespace, tag));
      }
      r = new ResolvedTags(namespace, List.copyOf(keys));
      resolved = r;
    }
    return r.keys;
  }

  private static final class ResolvedTags {
    final String namespace;
    final List<String> keys;

    ResolvedTags(String namespace, List<String> keys) {
      this.namespace = namespace;
      this.keys = keys;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof CachePolicy)) {
      return false;
    }
    CachePolicy p = (CachePolicy) o;
    return ttl.equals(p.ttl)
        && jitter == p.jitter
        && Objects.equals(softTtl, p.softTtl)
        && tags.equals(p.tags)
        && cacheNulls == p.cacheNulls
        && cacheEmpty == p.cacheEmpty;
  }

  @Override
  public int hashCode() {
    return Objects.hash(ttl, jitter, softTtl, tags, cacheNulls, cacheEmpty);
  }

  @Override
  public String toString() {
    return "CachePolicy{ttl="
        + ttl
        + ", jitter="
        + jitter
        + (softTtl == null ? "" : ", softTtl=" + softTtl)
        + ", tags="
        + tags
        + ", cacheNulls="
        + cacheNulls
        + ", cacheEmpty="
        + cacheEmpty
        + '}';
  }

  /** Builds a {@link CachePolicy}; each setter validates its argument at once. */
  public static final class Builder {
    private Duration ttl = DEFAULT_TTL;
    private double jitter = DEFAULT_JITTER;
    private @Nullable Duration softTtl;
    private final Set<String> tags = new LinkedHashSet<>();
    private boolean cacheNulls;
    private boolean cacheEmpty = true;

    private Builder() {}

    /**
     * Sets the time to live.
     *
     * @param ttl at least one millisecond
     * @return this builder
     * @throws CacheConfigurationException if not positive
     */
    public Builder ttl(Duration ttl) {
      if (ttl == null || ttl.toMillis() < 1) {
        throw new CacheConfigurationException("ttl must be at least 1 ms, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the relative jitter: a TTL of 10 minutes with jitter 0.1 becomes 9 to 11 minutes, so
     * entries written together do not expire together.
     *
     * @param jitter from 0 (none) to 0.5
     * @return this builder
     * @throws CacheConfigurationException if out of range
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 0.5)) {
        throw new CacheConfigurationException("jitter must be in [0, 0.5], was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets the soft TTL: after it an entry is still served, and one background task reloads it
     * (stale-while-revalidate). Must be shorter than the TTL.
     *
     * @param softTtl positive, or null for none
     * @return this builder
     */
    public Builder softTtl(@Nullable Duration softTtl) {
      if (softTtl != null && softTtl.toMillis() < 1) {
        throw new CacheConfigurationException("softTtl must be at least 1 ms, was " + softTtl);
      }
      this.softTtl = softTtl;
      return this;
    }

    /**
     * Adds tags the entries depend on; {@link LayerCache#invalidateTags(String...)} on any of them
     * invalidates the entries.
     *
     * @param tags non-empty strings not starting with {@code ~}
     * @return this builder
     * @throws InvalidCacheKeyException if a tag is null, empty or reserved
     */
    public Builder tags(String... tags) {
      return tags(Arrays.asList(tags));
    }

    /**
     * Adds tags the entries depend on.
     *
     * @param tags non-empty strings not starting with {@code ~}
     * @return this builder
     * @throws InvalidCacheKeyException if a tag is null, empty or reserved
     */
    public Builder tags(Collection<String> tags) {
      for (String tag : tags) {
        KeyEncoding.validateTag(tag);
        this.tags.add(tag);
      }
      return this;
    }

    /**
     * Sets whether a loader's null result is cached.
     *
     * @param cacheNulls true to cache nulls; default false
     * @return this builder
     */
    public Builder cacheNulls(boolean cacheNulls) {
      this.cacheNulls = cacheNulls;
      return this;
    }

    /**
     * Sets whether empty results are cached.
     *
     * @param cacheEmpty true to cache empty results; default true
     * @return this builder
     */
    public Builder cacheEmpty(boolean cacheEmpty) {
      this.cacheEmpty = cacheEmpty;
      return this;
    }

    /**
     * Returns the policy.
     *
     * @return the immutable policy
     * @throws CacheConfigurationException if the soft TTL is not shorter than the TTL
     */
    public CachePolicy build() {
      if (softTtl != null && softTtl.compareTo(ttl) >= 0) {
        throw new CacheConfigurationException(
            "softTtl " + softTtl + " must be shorter than ttl " + ttl);
      }
      return new CachePolicy(this);
    }
  }
}
