/** LayerCache test kit: backend contract tests and real servers for integration tests. */
module dev.layercache.testkit {
  requires transitive dev.layercache.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires static testcontainers;
  requires static org.jspecify;

  exports dev.layercache.testkit;
}
