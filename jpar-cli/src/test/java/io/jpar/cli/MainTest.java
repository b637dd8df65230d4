package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void versionNamesJparAndTheJavaItRunsOn() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("jpar ").contains("Java " + Runtime.version().feature());
  }

  @Test
  void helpListsTheCommandsWithExamples() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("csv").contains("fetch").contains("demo").contains("Examples:");
  }

  @Test
  void shellCompletionCoversTheCommands() {
    assertThat(run("generate-completion")).isZero();
    assertThat(out.toString()).contains("complete").contains("csv").contains("fetch").contains("--per-host");
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExitCode2() {
    assertThat(run("demo", "--no-such-option")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
  }

  @Test
  void demoMeasuresEachMachineryAndDrawsTheLessonFromTheNumbers() {
    assertThat(run("demo", "--csv-mb", "2", "--fetches", "100", "--latency", "20ms")).isZero();
    String text = out.toString();
    assertThat(text).contains("CSV, sequential").contains("platform threads").contains("worker processes")
        .contains("100 HTTP calls, virtual threads");
    // A speed-up above the core count (a neighbour's burst during the baseline) is flagged, not shown.
    assertThat(text).containsPattern("computing: \\d+\\.\\dx on \\d+ cores|MEASUREMENT PROBLEM: \\d+\\.\\dx on computing work");
    assertThat(text).containsPattern("waiting work: \\d+\\.\\dx faster");
    assertThat(text).contains("worker died (exit code 3)").contains("ran out of memory").contains("the pool carried on: 3 of 5");
    assertThat(text).contains("CSV, Pool.auto()").contains("Verdict (the advisor on the runs above):")
        .containsPattern("computing work: Best: \\w+ \\w+ x \\d+").containsPattern("waiting work: Best: ")
        .containsPattern("CSV: Auto( chose|:) (platform|virtual) threads").containsPattern("Pool.auto\\(\\) took \\d+\\.\\d+x");
    // It cleans up after itself: no worker process is left.
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
