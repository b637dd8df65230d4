package io.jpar.cli;

import io.jpar.Task;
import io.jpar.cli.fetch.FetchResult;
import io.jpar.cli.fetch.Fetcher;
import io.jpar.cli.fetch.UrlList;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jpar advise fetch}: the sweep on {@code jpar fetch}'s own task. Every trial fetches the whole
 * list again, so point it at URLs that may be fetched repeatedly. Worker processes are not tried: the
 * fetcher (connections, per-host limits) lives in this JVM.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Measure jpar fetch's calls on each backend at a few sizes and recommend one.",
      "Every trial fetches the whole list again."})
final class AdviseFetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE", description = "URLs, one per line.")
  Path input;

  @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "Per request (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--per-host", defaultValue = "100000", description = "Requests to one host at most (default: no limit).")
  int perHost;

  @Mixin AdviceOptions options;

  @Override
  public Integer call() throws IOException {
    options.validate(spec.commandLine());
    if (!Files.isReadable(input)) {
      throw new ParameterException(spec.commandLine(), "cannot read the URL list " + input + " (missing or not readable)");
    }
    UrlList list;
    try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      list = UrlList.parse(List.of(), r, input.toString());
    }
    list.rejected().forEach(r -> spec.commandLine().getErr().println("jpar advise fetch: skipped " + r));
    if (list.urls().isEmpty()) {
      throw new ParameterException(spec.commandLine(), "no URL to fetch in " + input);
    }
    Fetcher fetcher = new Fetcher(new Fetcher.Settings(timeout, 0, 5, Math.max(1, perHost), Map.of(), null,
        Duration.ofMillis(200)));
    Task<URI, FetchResult> task = fetcher::fetch;
    options.advise(task, list.urls(), List.of(), false, spec.commandLine().getOut(), spec.commandLine().getErr(),
        "fetching " + list.urls().size() + " URLs");
    return 0;
  }
}
