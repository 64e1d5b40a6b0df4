package dev.layercache.internal;

import dev.layercache.CacheConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * A major line of Jackson the codecs run on, found and checked when a codec is created (so when a
 * cache is built): a version outside the supported range fails there, with both versions named,
 * instead of with a {@code NoSuchMethodError} at the first request.
 *
 * <p>Each line is looked up by class name, so the core loads with either one absent; the classes of
 * a line are touched only after {@link #present()} says it is there.
 */
public enum JacksonLine {
  /** Jackson 2, {@code com.fasterxml.jackson}: {@link dev.layercache.codec.JacksonCodec}. */
  JACKSON_2(
      "Jackson 2",
      "com.fasterxml.jackson.core:jackson-databind",
      "com.fasterxml.jackson.databind.ObjectMapper",
      // StreamReadConstraints.maxDocumentLength, which bounds what a codec reads, came in 2.16.
      "2.16.0",
      3) {
    @Override
    String[][] artifactVersions() {
      return new String[][] {
        {
          "com.fasterxml.jackson.core:jackson-core",
          version(com.fasterxml.jackson.core.json.PackageVersion.VERSION)
        },
        {artifact, version(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION)}
      };
    }

    private String version(com.fasterxml.jackson.core.Version v) {
      return v.isUnknownVersion() ? UNKNOWN : v.toString();
    }
  },

  /** Jackson 3, {@code tools.jackson}: {@link dev.layercache.codec.Jackson3Codec}. */
  JACKSON_3(
      "Jackson 3",
      "tools.jackson.core:jackson-databind",
      "tools.jackson.databind.ObjectMapper",
      "3.0.0",
      4) {
    @Override
    String[][] artifactVersions() {
      return new String[][] {
        {
          "tools.jackson.core:jackson-core", version(tools.jackson.core.json.PackageVersion.VERSION)
        },
        {artifact, version(tools.jackson.databind.cfg.PackageVersion.VERSION)}
      };
    }

    private String version(tools.jackson.core.Version v) {
      return v.isUnknownVersion() ? UNKNOWN : v.toString();
    }
  };

  /** What {@link #check()} returns for a jar that does not say its version (accepted). */
  public static final String UNKNOWN = "unknown";

  private final String label;

  /** The jackson-databind artifact of this line, as Maven names it. */
  final String artifact;

  private final String probeClass;
  private final String oldest;
  private final int firstUnsupportedMajor;
  private volatile @Nullable Boolean present;
  private volatile @Nullable String checked;

  JacksonLine(
      String label, String artifact, String probeClass, String oldest, int firstUnsupportedMajor) {
    this.label = label;
    this.artifact = artifact;
    this.probeClass = probeClass;
    this.oldest = oldest;
    this.firstUnsupportedMajor = firstUnsupportedMajor;
  }

  /**
   * The jackson-databind artifact of this line.
   *
   * @return its {@code groupId:artifactId}
   */
  public String artifact() {
    return artifact;
  }

  /**
   * The oldest version supported.
   *
   * @return a version such as {@code 2.16.0}
   */
  public String oldest() {
    return oldest;
  }

  /**
   * Whether this line's jackson-databind is on the class path of the core.
   *
   * @return true if its {@code ObjectMapper} can be loaded
   */
  public boolean present() {
    Boolean known = present;
    if (known == null) {
      known = loadable(probeClass);
      present = known;
    }
    return known;
  }

  /**
   * Checks the jackson-core and jackson-databind of this line on the class path.
   *
   * @return the jackson-databind version, or {@link #UNKNOWN} if the jar does not say (a repackaged
   *     Jackson, which is accepted)
   * @throws CacheConfigurationException if this line is absent, or either jar is older than {@link
   *     #oldest()} or of a major version not yet supported
   */
  public String check() {
    String known = checked;
    if (known != null) {
      return known;
    }
    if (!present()) {
      throw new CacheConfigurationException(
          label + " (" + artifact + ") is not on the class path; add it to use its codec");
    }
    String version = UNKNOWN;
    for (String[] found : artifactVersions()) {
      if (!UNKNOWN.equals(found[1])) {
        check(found[0], found[1]);
      }
      version = found[1];
    }
    checked = version;
    return version;
  }

  /**
   * Checks a version string of one of this line's artifacts.
   *
   * @param artifactName the artifact, named in the message
   * @param version a version such as {@code 2.17.1} or {@code 3.1.0-rc1}
   * @throws CacheConfigurationException if it is outside the supported range
   */
  void check(String artifactName, String version) {
    int[] v = parse(artifactName, version);
    int[] min = parse(artifactName, oldest);
    boolean tooOld =
        v[0] < min[0] || (v[0] == min[0] && (v[1] < min[1] || (v[1] == min[1] && v[2] < min[2])));
    if (tooOld || v[0] >= firstUnsupportedMajor) {
      throw new CacheConfigurationException(
          label
              + " "
              + version
              + " ("
              + artifactName
              + ") is on the class path, but LayerCache supports "
              + supported()
              + "; depend on a Jackson in that range (for example the one Spring Boot manages), or"
              + " give LayerCache.builder().codec(...) a codec for another Jackson");
    }
  }

  /** The {@code groupId:artifactId} and version of this line's core and databind jars. */
  abstract String[][] artifactVersions();

  private String supported() {
    return label + " " + oldest + " to " + (firstUnsupportedMajor - 1) + ".x";
  }

  private int[] parse(String artifactName, String version) {
    String[] parts = version.split("[.-]");
    int[] v = new int[3];
    for (int i = 0; i < 3 && i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new CacheConfigurationException(
            "cannot read the version '"
                + version
                + "' of "
                + artifactName
                + "; LayerCache supports "
                + supported());
      }
    }
    return v;
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, JacksonLine.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
