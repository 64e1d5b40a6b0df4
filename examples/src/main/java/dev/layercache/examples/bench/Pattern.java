package dev.layercache.examples.bench;

import dev.layercache.LayerCache;
import dev.layercache.examples.blog.BlogAssembler;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A caching pattern under test: how one application server builds its {@link BlogAssembler} from
 * the database and its {@link LayerCache}. Each of the two application servers of a run calls
 * {@link #create} once, with its own cache over the shared backend.
 */
public interface Pattern {
  /**
   * The name used on the command line and in reports.
   *
   * @return the name
   */
  String name();

  /**
   * One line describing the pattern.
   *
   * @return the description
   */
  String description();

  /**
   * Whether the pattern uses a cache at all; a pattern without one runs once, not per backend.
   *
   * @return true if {@link #create} uses its cache
   */
  default boolean usesCache() {
    return true;
  }

  /**
   * Builds the assembler of one application server.
   *
   * @param database the database (statement-counting; wrap it, do not bypass it)
   * @param cache this server's cache, or null if the pattern {@linkplain #usesCache uses none}
   * @return the assembler
   */
  BlogAssembler create(DataSource database, @Nullable LayerCache cache);
}
