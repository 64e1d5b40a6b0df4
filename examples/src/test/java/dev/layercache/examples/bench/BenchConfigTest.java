package dev.layercache.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.examples.Main;
import dev.layercache.examples.blog.DataSize;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchConfigTest {

  @Test
  void parse_noFlags_givesEmbeddedDefaults() {
    BenchConfig c = BenchConfig.parse(List.of(), Map.of());
    assertThat(c.dbUrl()).startsWith("jdbc:h2:mem:");
    assertThat(c.patterns()).isEmpty();
    assertThat(c.backends()).isEmpty();
    assertThat(c.threads()).isEqualTo(4);
    assertThat(c.writePercent()).isEqualTo(5);
    assertThat(c.theta()).isEqualTo(0.99);
    assertThat(c.size()).isEqualTo(DataSize.SMALL);
    assertThat(c.duration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.sweep()).isFalse();
    assertThat(c.redisUri()).isEqualTo(BenchConfig.DEFAULT_REDIS);
  }

  @Test
  void parse_readsBothFlagForms() {
    BenchConfig c =
        BenchConfig.parse(
            List.of(
                "--threads=8",
                "--mix",
                "80/20",
                "--duration",
                "500ms",
                "--patterns",
                "none,object",
                "--sweep",
                "--sweep-threads=1,3"),
            Map.of("LAYERCACHE_REDIS_URL", "redis://cache:6380"));
    assertThat(c.threads()).isEqualTo(8);
    assertThat(c.writePercent()).isEqualTo(20);
    assertThat(c.duration()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.patterns()).containsExactly("none", "object");
    assertThat(c.sweep()).isTrue();
    assertThat(c.sweepThreads()).containsExactly(1, 3);
    assertThat(c.redisUri()).isEqualTo("redis://cache:6380");
  }

  @Test
  void parse_badValues_failWithOneLineNamingTheFlag() {
    assertBad(List.of("--frobnicate"), "unknown flag '--frobnicate'");
    assertBad(List.of("--threads", "many"), "--threads");
    assertBad(List.of("--threads", "0"), "--threads");
    assertBad(List.of("--mix", "90/20"), "--mix");
    assertBad(List.of("--duration", "soon"), "--duration");
    assertBad(List.of("--size", "huge"), "--size");
    assertBad(List.of("--zipf", "1.5"), "--zipf");
    assertBad(List.of("--db", "jdbc:oracle:thin:@x"), "--db");
    assertBad(List.of("--threads"), "needs a value");
    assertBad(List.of("--ops", "10", "--duration", "2s"), "not both");
  }

  @Test
  void main_badFlag_printsOneClearLine_andExitsWithUsageStatus() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"bench", "--thread", "4"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    assertThat(status).isEqualTo(Main.USAGE);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message.lines()).singleElement().asString().contains("--thread", "--help");
  }

  @Test
  void main_nearPatternWithoutARemoteBackend_printsOneLine_andExitsUnavailable() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--patterns", "near"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    assertThat(status).isEqualTo(Main.UNAVAILABLE);
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .singleElement()
        .asString()
        .contains("'near' cannot run on local", "--backends redis");
  }

  @Test
  void main_help_explainsEveryFlag() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err,
            Map.of(),
            false);
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--patterns", "--backends", "--db", "--threads", "--duration", "--ops")
        .contains("--warmup", "--mix", "--size", "--seed", "--sweep", "--out", "--zipf");
  }

  private static void assertBad(List<String> args, String mentions) {
    assertThatThrownBy(() -> BenchConfig.parse(args, Map.of()))
        .isInstanceOf(BenchUsageException.class)
        .hasMessageContaining(mentions)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
