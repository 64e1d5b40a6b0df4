package dev.layercache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercache.examples.bench.JsonReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @Test
  void bench_shortRun_writesJsonAndHtml_withoutStaleReads(@TempDir Path out) throws IOException {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {
              "bench",
              "--size",
              "tiny",
              "--duration",
              "2s",
              "--warmup",
              "500ms",
              "--out",
              out.toString(),
              "--no-progress"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err,
            Map.of(),
            false);
    String text = stdout.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isZero();
    assertThat(text)
        .contains(
            "Stale reads detected: 0", "object/local", "annotated/local", "query/local", "none");

    JsonNode json = JsonReport.read(only(out, ".json"));
    assertThat(json.get("staleReads").asLong()).isZero();
    assertThat(json.get("runs")).hasSize(4); // none, query, object, annotated (local)
    for (JsonNode run : json.get("runs")) {
      assertThat(run.get("operations").asLong()).isPositive();
      assertThat(run.get("staleReads").asLong()).isZero();
      assertThat(run.get("errors").asLong()).isZero();
      assertThat(run.get("statementsPerRequest").asDouble()).isPositive();
    }
    JsonNode cached = json.get("runs").get(2);
    assertThat(cached.get("hitRatio").asDouble()).isBetween(0.0, 1.0);
    assertThat(cached.get("bytesFromCachePerRequest").asDouble()).isPositive();

    String html = Files.readString(only(out, ".html"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "object/local");
    assertThat(html).doesNotContain("<script", "src=\"http", "href=\"http");
  }

  @Test
  void bench_sweep_recordsClosedAndOpenLoopPoints(@TempDir Path out) throws IOException {
    int status =
        Main.run(
            new String[] {
              "--patterns",
              "object",
              "--size",
              "tiny",
              "--duration",
              "1s",
              "--warmup",
              "0s",
              "--sweep",
              "--sweep-threads",
              "1,2",
              "--sweep-rates",
              "50,100",
              "--sweep-point",
              "1s",
              "--out",
              out.toString(),
              "--no-progress"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            Map.of(),
            false);
    assertThat(status).isZero();
    JsonNode sweep = JsonReport.read(only(out, ".json")).get("runs").get(0).get("sweep");
    assertThat(sweep).hasSize(4);
    assertThat(sweep.get(0).get("mode").asText()).isEqualTo("closed");
    assertThat(sweep.get(3).get("mode").asText()).isEqualTo("open");
    assertThat(sweep.get(3).get("offeredRate").asDouble()).isPositive();
    assertThat(Files.readString(only(out, ".html"))).contains("Latency against load");
  }

  private static Path only(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = files.filter(p -> p.toString().endsWith(suffix)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }
}
