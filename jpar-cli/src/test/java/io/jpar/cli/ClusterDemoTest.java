package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code jpar demo --cluster} end to end: three member JVMs, one killed mid-batch, every result once and
 * in order, no member left. Tagged "stress": member start-ups take a while on a busy machine.
 */
@Tag("stress")
class ClusterDemoTest {
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theClusterDemoLosesAMemberAndStillDeliversEveryResultOnceInOrder() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--cluster");
    assertThat(rc).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
    assertThat(out.toString())
        .contains("killed member 127.0.0.1:")
        .contains("900 results, in input order and each once: yes")
        .contains("members stopped (none left running)");
  }
}
