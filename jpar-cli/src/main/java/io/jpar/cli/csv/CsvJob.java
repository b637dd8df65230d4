package io.jpar.cli.csv;

import io.jpar.Outcome;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A planned {@code jpar csv} run: the files found under the given paths and the slices to profile.
 * Large plain files are split so that every worker gets a fair share; slices of one file are
 * consecutive, so the outcomes fold back into one profile per file.
 *
 * @param files the files, in the order they are reported
 * @param slices what the pool runs
 */
public record CsvJob(List<String> files, List<Slice> slices) {
  /** By default no slice is smaller than this: below it, a round trip costs more than splitting saves. */
  public static final long DEFAULT_MIN_SLICE_BYTES = 16L << 20;

  /** The task that runs in the pool: profile one slice. */
  public static FileProfile profile(Slice slice) {
    FileProfile p = CsvProfiler.profile(slice);
    p.bytes = slice.end() < 0 ? sizeFrom(slice) : slice.end() - slice.start();
    return p;
  }

  private static long sizeFrom(Slice slice) {
    try {
      return Files.size(Path.of(slice.file())) - slice.start();
    } catch (IOException e) {
      return 0;
    }
  }

  public static CsvJob plan(List<String> paths, int workers, long minSliceBytes) throws IOException {
    return plan(paths, workers, minSliceBytes, ReadOptions.DEFAULTS);
  }

  /** As {@link #plan(List, int, long)}, reading with {@code options}; a detected delimiter is chosen here, per file. */
  public static CsvJob plan(List<String> paths, int workers, long minSliceBytes, ReadOptions options)
      throws IOException {
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      files.addAll(expand(p));
    }
    long total = 0;
    for (String f : files) {
      total += sizeOrZero(f);
    }
    long target = Math.max(minSliceBytes, total / (2L * workers));
    List<Slice> slices = new ArrayList<>();
    for (String f : files) {
      long size = sizeOrZero(f);
      int pieces = size > 2 * target ? (int) Math.min(64, (size + target - 1) / target) : 1;
      ReadOptions resolved = options.delimiter() != ReadOptions.DETECT || !Files.isRegularFile(Path.of(f))
          ? options : options.withDelimiter(DelimiterDetector.detect(Path.of(f), options.charset()));
      slices.addAll(pieces > 1 ? CsvSplitter.split(Path.of(f), pieces, resolved) : List.of(Slice.whole(f, resolved)));
    }
    return new CsvJob(files, slices);
  }

  private static long sizeOrZero(String f) {
    try {
      return Files.isRegularFile(Path.of(f)) ? Files.size(Path.of(f)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** A file, a directory (its *.csv and *.csv.gz, recursively, sorted) or a glob; a missing path stays, to be reported. */
  static List<String> expand(String arg) throws IOException {
    Path path = Path.of(arg);
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        return walk.filter(Files::isRegularFile)
            .filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".csv.gz"))
            .map(Path::toString).sorted().toList();
      }
    }
    if (!arg.contains("*") && !arg.contains("?") && !arg.contains("[")) {
      return List.of(arg);
    }
    int cut = firstGlobChar(arg);
    int slash = arg.lastIndexOf('/', cut);
    Path base = slash < 0 ? Path.of(".") : Path.of(arg.substring(0, Math.max(1, slash)));
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + arg);
    if (!Files.isDirectory(base)) {
      return List.of(arg);
    }
    try (Stream<Path> walk = Files.walk(base)) {
      List<String> found = walk.filter(Files::isRegularFile)
          .filter(p -> m.matches(slash < 0 ? base.relativize(p) : p))
          .map(Path::toString).sorted().toList();
      return found.isEmpty() ? List.of(arg) : found;
    }
  }

  private static int firstGlobChar(String s) {
    int i = 0;
    while (i < s.length() && "*?[{".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    return i;
  }

  /** Folds slice outcomes back into one profile per file; a crashed slice fails its file, not the run. */
  public List<FileProfile> assemble(List<Outcome<FileProfile>> outcomes) {
    List<FileProfile> out = new ArrayList<>();
    FileProfile current = null;
    for (int i = 0; i < outcomes.size(); i++) {
      Slice s = slices.get(i);
      FileProfile p = switch (outcomes.get(i)) {
        case Outcome.Success<FileProfile> ok -> ok.value();
        case Outcome.Failure<FileProfile> f -> FileProfile.failed(s.file(), f.error().getCause() == null
            ? f.error().getMessage() : f.error().getCause().getMessage());
      };
      if (current != null && current.file.equals(s.file()) && s.start() > 0) {
        current.mergeSlice(p);
      } else {
        current = p;
        out.add(p);
      }
    }
    return out;
  }
}
