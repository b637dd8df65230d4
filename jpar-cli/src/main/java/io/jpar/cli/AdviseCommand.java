package io.jpar.cli;

import io.jpar.Task;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jpar advise}: runs a user's task (a {@code Task<String, ?>} in a jar) on every backend at a few
 * sizes and recommends one, with the figures; {@code advise csv} and {@code advise fetch} do the same
 * for the built-in jobs.
 */
@Command(
    name = "advise",
    mixinStandardHelpOptions = true,
    description = "Measure a task on platform threads, virtual threads and worker processes at a few sizes, "
        + "print throughput per configuration and recommend one, with the reason.",
    subcommands = {AdviseCsvCommand.class, AdviseFetchCommand.class},
    footer = {"", "Examples:",
      "  jpar advise --classpath thumbs.jar --task com.example.Thumb --inputs images.txt --chart speedup.png",
      "  jpar advise csv data/",
      "  jpar advise fetch -i urls.txt --no-processes",
      "", "The task class needs a public no-argument constructor and implements io.jpar.Task<String, ?>;",
      "each line of --inputs is one input. Exit codes: 0 advised, 2 usage error."})
final class AdviseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--classpath", paramLabel = "JAR", description = "Jar (or directory) holding the task class.")
  Path classpath;

  @Option(names = "--task", paramLabel = "CLASS", description = "The task's class name.")
  String taskClass;

  @Option(names = "--inputs", paramLabel = "FILE", description = "The sample: one input per line (blank lines skipped).")
  Path inputs;

  @Mixin AdviceOptions options;

  @Override
  public Integer call() throws IOException {
    if (classpath == null || taskClass == null || inputs == null) {
      throw new ParameterException(spec.commandLine(),
          "advise needs --classpath JAR --task CLASS --inputs FILE, or a job: jpar advise csv|fetch ...");
    }
    options.validate(spec.commandLine());
    if (!Files.exists(classpath)) {
      throw new ParameterException(spec.commandLine(), "--classpath " + classpath + " does not exist");
    }
    if (!Files.isReadable(inputs)) {
      throw new ParameterException(spec.commandLine(), "cannot read --inputs " + inputs + " (missing or not readable)");
    }
    List<String> lines = Files.readAllLines(inputs, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--inputs " + inputs + " has no input (one per line)");
    }
    Task<String, ?> task = load();
    options.advise(task, lines, List.of(classpath.toAbsolutePath()), true, spec.commandLine().getOut(),
        spec.commandLine().getErr(), taskClass);
    return 0;
  }

  @SuppressWarnings("unchecked")
  private Task<String, ?> load() {
    Class<?> c;
    try {
      // Not closed: the task's classes load lazily while it runs.
      URLClassLoader loader = new URLClassLoader(new URL[] {classpath.toAbsolutePath().toUri().toURL()},
          AdviseCommand.class.getClassLoader());
      c = Class.forName(taskClass, true, loader);
    } catch (ClassNotFoundException | java.net.MalformedURLException | LinkageError e) {
      throw new ParameterException(spec.commandLine(), "cannot load --task " + taskClass + " from " + classpath + ": " + e);
    }
    if (!Task.class.isAssignableFrom(c)) {
      throw new ParameterException(spec.commandLine(), "--task " + taskClass + " does not implement io.jpar.Task");
    }
    try {
      return (Task<String, ?>) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new ParameterException(spec.commandLine(), "--task " + taskClass
          + " needs a public no-argument constructor: " + e);
    }
  }
}
