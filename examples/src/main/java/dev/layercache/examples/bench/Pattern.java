package dev.layercache.examples.bench;

import dev.layercache.LayerCache;
import dev.layercache.examples.blog.BlogAssembler;
import dev.layercache.spi.CacheBackend;
import java.time.Duration;
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
   * Whether the pattern can run on a backend; the near cache, for one, fronts remote backends only.
   *
   * @param backend a backend name
   * @return true if it can
   */
  default boolean supports(String backend) {
    return true;
  }

  /**
   * The backend one application server's cache uses, over the backend all servers share: the shared
   * one itself unless the pattern adds a level of its own.
   *
   * @param shared the shared backend
   * @param config the command line, for server addresses
   * @param namespace the run's namespace
   * @return the server's backend; closing it must not close {@code shared}
   */
  default CacheBackend serverBackend(CacheBackend shared, BenchConfig config, String namespace) {
    return shared;
  }

  /**
   * The staleness the pattern allows by design, or null for none: a stale answer checked later than
   * this after the write that replaced it fails the run.
   *
   * @return the bound, or null
   */
  default @Nullable Duration staleBound() {
    return null;
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
