/**
 * LayerCache Spring: an advisor for LayerCache's annotations on Spring beans, a Spring {@code
 * CacheManager} over a {@code LayerCache}, and commit-time invalidation in Spring transactions.
 * Entry points: {@link dev.layercache.spring.EnableLayerCache}, {@link
 * dev.layercache.spring.LayerCacheManager}.
 */
module dev.layercache.spring {
  requires transitive dev.layercache.core;
  requires transitive spring.context;
  requires transitive spring.aop;
  requires transitive spring.beans;
  requires transitive spring.core;
  requires spring.tx;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.layercache.spring;

  // Spring instantiates the registrar and reads the infrastructure beans reflectively.
  opens dev.layercache.spring.internal to
      spring.core,
      spring.beans,
      spring.context;
}
