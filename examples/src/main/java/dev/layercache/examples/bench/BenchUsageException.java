package dev.layercache.examples.bench;

/** A bad command line: its message is the one line shown to the user. */
public final class BenchUsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line saying what is wrong
   */
  public BenchUsageException(String message) {
    super(message);
  }
}
