/**
 * LayerCache SQL: a JDBC {@link javax.sql.DataSource} wrapper that caches query results and
 * invalidates them on writes. Entry point: {@link dev.layercache.sql.CachingDataSource}.
 */
module dev.layercache.sql {
  requires transitive dev.layercache.core;
  requires transitive java.sql;
  requires java.sql.rowset;
  requires net.sf.jsqlparser;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.layercache.sql;

  // Cached results are stored through the core's Jackson codec.
  opens dev.layercache.sql.internal to
      com.fasterxml.jackson.databind;
}
