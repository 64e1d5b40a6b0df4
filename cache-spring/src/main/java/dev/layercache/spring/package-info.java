/**
 * LayerCache for Spring Framework 6.2 and 7: {@link dev.layercache.spring.EnableLayerCache} applies
 * LayerCache's annotations to Spring beans through a {@link
 * dev.layercache.spring.LayerCacheAdvisor} and {@link dev.layercache.spring.LayerCacheManager} runs
 * Spring's {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} on a {@link
 * dev.layercache.LayerCache}; both invalidate at the commit of Spring transactions, with write
 * locks from the call until then.
 */
@NullMarked
package dev.layercache.spring;

import org.jspecify.annotations.NullMarked;
