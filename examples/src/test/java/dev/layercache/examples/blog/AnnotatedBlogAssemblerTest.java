package dev.layercache.examples.blog;

import dev.layercache.LayerCache;
import javax.sql.DataSource;

/** The same behaviour as the hand-written decorator, from annotations applied by a proxy. */
class AnnotatedBlogAssemblerTest extends CachingBlogAssemblerTest {
  @Override
  BlogAssembler assembler(DataSource database, LayerCache cache) {
    return AnnotatedBlogAssembler.over(database, cache);
  }
}
