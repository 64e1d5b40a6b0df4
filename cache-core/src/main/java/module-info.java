/**
 * LayerCache core: the public API, the backend SPI, the local backend, the Jackson codecs and
 * metrics. Implementation packages are not exported.
 */
module dev.layercache.core {
  requires transitive com.fasterxml.jackson.databind;
  // Optional: Jackson3Codec, the default codec where Jackson 2 is absent. Not transitive, so that
  // modules reading the core compile without Jackson 3.
  requires static tools.jackson.databind;
  requires transitive com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.module.paramnames;
  requires io.github.resilience4j.circuitbreaker;
  requires net.bytebuddy;
  requires jdk.unsupported;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static micrometer.core;

  exports dev.layercache;
  exports dev.layercache.spi;
  exports dev.layercache.local;
  exports dev.layercache.near;
  exports dev.layercache.codec;
  exports dev.layercache.metrics;
  exports dev.layercache.annotation;
}
