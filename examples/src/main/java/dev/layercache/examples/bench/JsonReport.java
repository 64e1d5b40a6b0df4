package dev.layercache.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a {@link BenchReport} as JSON: every figure of every run. */
public final class JsonReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /**
   * Writes the report.
   *
   * @param report the report
   * @param file the file to write
   * @throws IOException if it cannot be written
   */
  public static void write(BenchReport report, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), report);
  }

  /**
   * Reads a report written by {@link #write} as a tree, for tools and tests.
   *
   * @param file the file
   * @return the JSON tree
   * @throws IOException if it cannot be read
   */
  public static com.fasterxml.jackson.databind.JsonNode read(Path file) throws IOException {
    return MAPPER.readTree(file.toFile());
  }
}
