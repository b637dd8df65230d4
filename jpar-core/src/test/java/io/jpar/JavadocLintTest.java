package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API's javadoc is clean under every doclint group, "missing" included: each public member
 * says what its parameters, result and exceptions are. The release profile's javadoc jar checks the same,
 * but only when someone builds a release; this test keeps a new public method from slipping through an
 * everyday build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JavadocLintTest {

  @Test
  void theExportedPackagesPassDoclintAll(@TempDir Path out) {
    Path sources = Path.of("src/main/java");
    assertThat(sources.resolve("module-info.java")).as("run from jpar-core's directory").exists();
    ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow(
        () -> new AssertionError("no javadoc tool in this JDK (" + System.getProperty("java.home") + ")"));
    StringWriter messages = new StringWriter();
    PrintWriter writer = new PrintWriter(messages);

    int exit = javadoc.run(writer, writer, "-Xdoclint:all", "-Xmaxwarns", "10000", "-quiet", "-d", out.toString(),
        "--source-path", sources.toString(), "--module", "io.jpar");

    writer.flush();
    String report = messages.toString();
    assertThat(report).as("javadoc's warnings and errors").doesNotContain("warning:").doesNotContain("error:");
    assertThat(exit).as("javadoc's exit code; it said:%n%s", report).isZero();
    assertThat(Files.exists(out.resolve("io.jpar/io/jpar/Pool.html"))).as("javadoc wrote Pool's page").isTrue();
  }
}
