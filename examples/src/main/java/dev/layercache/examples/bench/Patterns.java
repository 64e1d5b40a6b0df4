package dev.layercache.examples.bench;

import dev.layercache.LayerCache;
import dev.layercache.examples.blog.AnnotatedBlogAssembler;
import dev.layercache.examples.blog.BlogAssembler;
import dev.layercache.examples.blog.CachingBlogAssembler;
import dev.layercache.examples.blog.JdbcBlogAssembler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The patterns the benchmark knows. Some are only listed: their building blocks are not part of
 * this build yet, and selecting them gives one clear line instead of a run.
 */
public final class Patterns {
  /** Every pattern name, in report order. */
  public static final List<String> NAMES = List.of("none", "query", "object", "annotated", "near");

  private static final Map<String, Pattern> AVAILABLE = new LinkedHashMap<>();
  private static final Map<String, String> MISSING = new LinkedHashMap<>();

  static {
    AVAILABLE.put("none", new NoCache());
    AVAILABLE.put("query", new QueryCaching());
    AVAILABLE.put("object", new ObjectCaching());
    AVAILABLE.put("annotated", new AnnotatedObjectCaching());
    MISSING.put(
        "near",
        "pattern 'near' is not available in this build: the near cache is not implemented yet");
  }

  private Patterns() {}

  /**
   * The patterns this build can run, in report order.
   *
   * @return the patterns
   */
  public static List<Pattern> available() {
    return new ArrayList<>(AVAILABLE.values());
  }

  /**
   * Finds a pattern.
   *
   * @param name a pattern name
   * @return the pattern
   * @throws BenchUsageException if no pattern has that name
   * @throws BenchUnavailableException if the pattern is not in this build
   */
  public static Pattern named(String name) {
    Pattern p = AVAILABLE.get(name);
    if (p != null) {
      return p;
    }
    String missing = MISSING.get(name);
    if (missing != null) {
      throw new BenchUnavailableException(missing);
    }
    throw new BenchUsageException(
        "unknown pattern '" + name + "': choose from " + String.join(", ", NAMES));
  }

  /** No cache: every request goes to the database. The baseline. */
  static final class NoCache implements Pattern {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public String description() {
      return "no cache: every request queries the database";
    }

    @Override
    public boolean usesCache() {
      return false;
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return new JdbcBlogAssembler(database);
    }
  }

  /** Query-result caching: the plain JDBC assembler over a caching DataSource. */
  static final class QueryCaching implements Pattern {
    @Override
    public String name() {
      return "query";
    }

    @Override
    public String description() {
      return "query-result caching: every SELECT cached, invalidated by the tables writes touch";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return new JdbcBlogAssembler(
          dev.layercache.sql.CachingDataSource.wrap(
              database, Objects.requireNonNull(cache, "cache")));
    }
  }

  /** Object caching declared by annotations on the assembler, applied by a proxy. */
  static final class AnnotatedObjectCaching implements Pattern {
    @Override
    public String name() {
      return "annotated";
    }

    @Override
    public String description() {
      return "object caching by annotations: @Cached pages, @InvalidateTags on writes";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return AnnotatedBlogAssembler.over(database, Objects.requireNonNull(cache, "cache"));
    }
  }

  /** Object caching by a hand-written decorator of the assembler. */
  static final class ObjectCaching implements Pattern {
    @Override
    public String name() {
      return "object";
    }

    @Override
    public String description() {
      return "object caching: assembled pages cached whole, invalidated by tag on writes";
    }

    @Override
    public BlogAssembler create(DataSource database, @Nullable LayerCache cache) {
      return CachingBlogAssembler.over(database, Objects.requireNonNull(cache, "cache"));
    }
  }
}
