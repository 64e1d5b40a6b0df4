package dev.layercache.examples.bench;

/**
 * Something the command line asked for cannot be used: a pattern or backend missing from this
 * build, or a server that does not answer. Its message is the one line shown to the user.
 */
public final class BenchUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line saying what is unavailable and why
   */
  public BenchUnavailableException(String message) {
    super(message);
  }
}
