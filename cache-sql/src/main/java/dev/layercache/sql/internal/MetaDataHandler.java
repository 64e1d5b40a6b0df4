package dev.layercache.sql.internal;

import java.lang.reflect.Method;
import java.sql.DatabaseMetaData;
import org.jspecify.annotations.Nullable;

/** Database metadata passed through, except that its connection is the wrapper. */
final class MetaDataHandler extends DelegatingHandler {
  private final Object connection;

  MetaDataHandler(DatabaseMetaData metaData, Object connection) {
    super(metaData);
    this.connection = connection;
  }

  @Override
  @Nullable Object intercept(String name, Method method, @Nullable Object[] args) {
    return name.equals("getConnection") && args == null ? connection : PASS;
  }
}
