package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jpar worker} and {@code --cluster}: usage errors exit 2 before any member or client starts. */
class WorkerCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void workerHelpSaysTrustedNetworksOnly() {
    assertThat(run("worker", "--help")).isZero();
    assertThat(out.toString()).contains("--join").contains("--isolated").contains("trusted networks only");
  }

  @Test
  void aWorkerWithABadPortIsAUsageError() {
    assertThat(run("worker", "--port", "70000", "--secret", "s")).isEqualTo(2);
  }

  @Test
  void csvWithAClusterAddressThatIsNotHostPortIsAUsageError(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("a.csv"), "x,y\n1,2\n");
    assertThat(run("csv", csv.toString(), "--cluster", "nowhere")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster").contains("'nowhere' is not HOST:PORT");
  }
}
