package io.jpar.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jpar.BackendKind;
import io.jpar.Outcome;
import io.jpar.Pool;
import io.jpar.Task;
import io.jpar.cli.fetch.FetchResult;
import io.jpar.cli.fetch.Fetcher;
import io.jpar.cli.fetch.UrlList;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jpar fetch}: many URLs at once on virtual threads, with retries, a log and resume. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {"Fetch many URLs concurrently on virtual threads, politely (a per-host limit), with retries",
      "(exponential backoff and jitter on connection errors, timeouts, 5xx and 429, honouring Retry-After)."},
    footer = {"", "Examples:",
      "  jpar fetch -i urls.txt --out pages/ --log fetch.jsonl",
      "  jpar fetch -i urls.txt --log fetch.jsonl --resume        fetch only what did not succeed before",
      "  cat urls.txt | jpar fetch -i - --concurrency 500 --per-host 20 -H 'Accept: application/json'",
      "", "Exit codes: 0 all fetched, 1 some failed (the others are still fetched and logged), 2 usage error."})
final class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "URL", description = "URLs to fetch (and/or use -i).")
  List<String> urls = new ArrayList<>();

  @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read URLs from FILE, one per line; - for standard input.")
  String input;

  @Option(names = "--concurrency", defaultValue = "256", description = "Requests in flight at most (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--per-host", defaultValue = "32", description = "Requests to one host at most (default: ${DEFAULT-VALUE}).")
  int perHost;

  @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "Per request: connect and response (default: ${DEFAULT-VALUE}); e.g. 500ms, 10s, 2m.")
  Duration timeout;

  @Option(names = "--retries", defaultValue = "2", description = "Extra attempts after a retryable failure (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--max-redirects", defaultValue = "5", description = "Redirects followed at most (default: ${DEFAULT-VALUE}).")
  int maxRedirects;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "A request header; repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "Save each body to a file in DIR (names derived safely from the URL).")
  Path out;

  @Option(names = "--log", paramLabel = "FILE.jsonl", description = "Append one JSON line per URL: url, status, bytes, ms, attempts, error, file.")
  Path log;

  @Option(names = "--resume", description = "Skip URLs that already succeeded in the --log file.")
  boolean resume;

  @Option(names = "--backend", defaultValue = "virtual", converter = BackendChoice.Converter.class,
      completionCandidates = BackendChoice.Words.class,
      description = {"virtual, threads or auto (default: ${DEFAULT-VALUE}); --concurrency bounds each.",
        "auto measures the calls as they run, chooses, and says what it chose on standard error."})
  BackendChoice backend;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "Trust only the certificates in FILE (PEM) for https, as curl --cacert: e.g. a self-signed test server.")
  Path cacert;

  @Option(names = {"-k", "--insecure"},
      description = "INSECURE: trust any https certificate and skip the host-name check. For test servers only; off by default.")
  boolean insecure;

  @Option(names = "--backoff", defaultValue = "200ms", converter = DurationConverter.class, hidden = true)
  Duration backoffBase;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (concurrency < 1 || perHost < 1 || retries < 0 || maxRedirects < 0) {
      throw new ParameterException(spec.commandLine(), "--concurrency and --per-host must be at least 1, --retries and --max-redirects at least 0");
    }
    if (backend.is(BackendKind.WORKER_PROCESSES)) {
      throw new ParameterException(spec.commandLine(), "--backend processes does not fit fetch: the calls wait, and "
          + "the connections and the per-host limits live in this JVM; use virtual, threads or auto");
    }
    if (insecure && cacert != null) {
      throw new ParameterException(spec.commandLine(), "--insecure and --cacert contradict each other: --cacert trusts one "
          + "authority, --insecure trusts anyone; give one of them");
    }
    if (cacert != null && !Files.isReadable(cacert)) {
      throw new ParameterException(spec.commandLine(), "cannot read the --cacert file " + cacert + " (missing or not readable)");
    }
    if (resume && log == null) {
      throw new ParameterException(spec.commandLine(), "--resume needs --log: the log says what already succeeded");
    }
    UrlList list = readUrls();
    list.rejected().forEach(r -> err.println("jpar fetch: skipped " + r));
    List<URI> todo = new ArrayList<>(list.urls());
    if (resume) {
      Set<String> done = succeeded(log);
      int before = todo.size();
      todo.removeIf(u -> done.contains(u.toString()));
      err.println("jpar fetch: resuming, " + (before - todo.size()) + " URLs already fetched");
    }
    if (todo.isEmpty() && list.rejected().isEmpty()) {
      err.println("jpar fetch: nothing to fetch (give URLs as arguments or with -i FILE)");
      return list.urls().isEmpty() ? 2 : 0;
    }
    if (out != null) {
      Files.createDirectories(out);
    }
    politeLimitNote(todo).ifPresent(err::println);
    Map<String, String> headerMap = parseHeaders();
    if (insecure) {
      err.println("jpar fetch: --insecure: https certificates and host names are NOT checked");
    }
    Fetcher fetcher = new Fetcher(new Fetcher.Settings(timeout, retries, maxRedirects, perHost, headerMap, out, backoffBase,
        cacert, insecure));
    if (cacert != null) {
      try {
        fetcher.checkTls();
      } catch (IOException e) {
        fetcher.close();
        throw new ParameterException(spec.commandLine(), "--cacert: " + e.getMessage());
      }
    }
    Task<URI, FetchResult> task = fetcher::fetch;
    long t0 = System.nanoTime();
    List<FetchResult> results = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (fetcher;
        BufferedWriter logWriter = log == null ? null : Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        TerminalProgress bar = new TerminalProgress("fetch", todo.size());
        Pool pool = backend.pool(concurrency, bar);
        var stream = pool.imapOutcomes(task, todo.stream())) {
      stream.forEach(o -> {
        FetchResult r = switch (o) {
          case Outcome.Success<FetchResult> s -> s.value();
          case Outcome.Failure<FetchResult> f -> new FetchResult(f.error().input(), 0, 0, 0, 1,
              String.valueOf(f.error().getCause()), null);
        };
        results.add(r);
        if (logWriter != null) {
          try {
            logWriter.write(json.writeValueAsString(r));
            logWriter.newLine();
            logWriter.flush(); // a crash loses at most the line being written: --resume stays truthful
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
      if (backend.isAuto()) {
        err.println("jpar fetch: " + pool.plan().explanation());
      }
    }
    summarize(results, (System.nanoTime() - t0) / 1e9, spec.commandLine().getOut());
    boolean allOk = results.stream().allMatch(FetchResult::ok) && list.rejected().isEmpty();
    return allOk ? 0 : 1;
  }

  /**
   * Says so when the default per-host limit, not --concurrency, will bound this run: most URLs on one
   * host, and fewer allowed there than the concurrency asked for. Polite by default, never silently.
   */
  java.util.Optional<String> politeLimitNote(List<URI> todo) {
    boolean chosen = spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption("--per-host");
    if (chosen || perHost >= concurrency) {
      return java.util.Optional.empty();
    }
    Map<String, Integer> byHost = new java.util.HashMap<>();
    for (URI u : todo) {
      byHost.merge(u.getHost() + ":" + u.getPort(), 1, Integer::sum);
    }
    return byHost.entrySet().stream().filter(e -> e.getValue() > perHost).max(Map.Entry.comparingByValue())
        .map(e -> "jpar fetch: " + e.getValue() + " URLs go to " + e.getKey().replaceFirst(":-1$", "")
            + ", fetched at most " + perHost + " at a time there (--per-host, polite by default);"
            + " --per-host " + Math.min(concurrency, e.getValue()) + " lets --concurrency " + concurrency + " apply");
  }

  private UrlList readUrls() throws IOException {
    if (input == null) {
      return UrlList.parse(urls, null, "");
    }
    if (input.equals("-")) {
      return UrlList.parse(urls, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), "stdin");
    }
    Path p = Path.of(input);
    if (!Files.isReadable(p)) {
      throw new ParameterException(spec.commandLine(), "cannot read the URL list " + p + " (missing or not readable)");
    }
    try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      return UrlList.parse(urls, r, input);
    }
  }

  private Map<String, String> parseHeaders() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new ParameterException(spec.commandLine(), "a header looks like 'Name: value', was '" + h + "'");
      }
      m.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    return m;
  }

  static Set<String> succeeded(Path log) throws IOException {
    Set<String> ok = new HashSet<>();
    if (!Files.exists(log)) {
      return ok;
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = json.readTree(line);
        int status = n.path("status").asInt();
        if (n.path("error").isNull() && status >= 200 && status < 300) {
          ok.add(n.path("url").asText());
        }
      } catch (IOException e) {
        // a torn last line from an interrupted run: that URL is fetched again
      }
    }
    return ok;
  }

  static void summarize(List<FetchResult> results, double seconds, PrintWriter out) {
    long ok = results.stream().filter(FetchResult::ok).count();
    long bytes = results.stream().mapToLong(FetchResult::bytes).sum();
    long[] ms = results.stream().mapToLong(FetchResult::ms).sorted().toArray();
    out.printf(Locale.ROOT, "%d ok, %d failed, %.1f MB in %.2f s (%.1f MB/s, %.0f URLs/s); latency p50 %d ms, p95 %d ms%n",
        ok, results.size() - ok, bytes / 1e6, seconds, bytes / 1e6 / Math.max(seconds, 1e-9),
        results.size() / Math.max(seconds, 1e-9), percentile(ms, 50), percentile(ms, 95));
    results.stream().filter(r -> !r.ok()).limit(20)
        .forEach(r -> out.println("  failed: " + r.url() + " - " + r.error() + " (" + r.attempts() + " attempts)"));
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
