package io.jpar.cli;

import io.jpar.BackendKind;
import io.jpar.Pool;
import io.jpar.PoolBuilder;
import io.jpar.ProgressListener;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code --backend} names: one machinery ({@link BackendKind}), or auto, which lets
 * {@code Pool.auto()} measure the tasks and choose. On the command line the words are processes,
 * threads, virtual and auto; {@link #toString()} gives the word back.
 *
 * <p>Immutable; one instance per word.
 */
final class BackendChoice {
  /** Pool.auto(): measures the tasks and chooses; the number given is its ceiling on concurrency. */
  static final BackendChoice AUTO = new BackendChoice(null);

  /** Every choice, in the order help and completion list them. */
  static final List<BackendChoice> ALL = List.of(new BackendChoice(BackendKind.WORKER_PROCESSES),
      new BackendChoice(BackendKind.PLATFORM_THREADS), new BackendChoice(BackendKind.VIRTUAL_THREADS), AUTO);

  private final BackendKind kind; // null for auto

  private BackendChoice(BackendKind kind) {
    this.kind = kind;
  }

  /** The choice of one machinery. */
  static BackendChoice of(BackendKind kind) {
    Objects.requireNonNull(kind, "kind");
    return ALL.stream().filter(c -> c.kind == kind).findFirst().orElseThrow();
  }

  /** The machinery chosen, or empty for auto. */
  Optional<BackendKind> kind() {
    return Optional.ofNullable(kind);
  }

  boolean isAuto() {
    return kind == null;
  }

  /** {@code true} when this choice is exactly {@code kind} (never for auto). */
  boolean is(BackendKind kind) {
    return this.kind == kind;
  }

  /** A pool of this choice: {@code workers} threads or worker JVMs, or at most that many tasks at once. */
  Pool pool(int workers) {
    return builder(workers).build();
  }

  /** As {@link #pool(int)}, reporting to {@code progress} after every task. */
  Pool pool(int workers, ProgressListener progress) {
    PoolBuilder<?> b = builder(workers);
    b.onProgress(progress);
    return b.build();
  }

  private PoolBuilder<?> builder(int workers) {
    if (kind == null) {
      return Pool.auto().maxConcurrency(workers);
    }
    return switch (kind) {
      case WORKER_PROCESSES -> Pool.processes().workers(workers);
      case PLATFORM_THREADS -> Pool.threads().workers(workers);
      case VIRTUAL_THREADS -> Pool.virtualThreads().maxConcurrency(workers);
    };
  }

  /** The word for this choice on the command line. */
  @Override
  public String toString() {
    if (kind == null) {
      return "auto";
    }
    return switch (kind) {
      case WORKER_PROCESSES -> "processes";
      case PLATFORM_THREADS -> "threads";
      case VIRTUAL_THREADS -> "virtual";
    };
  }

  /** Reads the word given to {@code --backend}; picocli prefixes the message with the option's name. */
  static final class Converter implements ITypeConverter<BackendChoice> {
    @Override
    public BackendChoice convert(String word) {
      for (BackendChoice c : ALL) {
        if (c.toString().equals(word)) {
          return c;
        }
      }
      String hint = ALL.stream().anyMatch(c -> c.toString().equals(word.strip().toLowerCase(Locale.ROOT)))
          ? " (the words are lower case)" : "";
      List<String> words = ALL.stream().map(BackendChoice::toString).toList();
      throw new TypeConversionException("expected " + String.join(", ", words.subList(0, words.size() - 1)) + " or "
          + words.getLast() + ", but was '" + word + "'" + hint);
    }
  }

  /** The words, for shell completion. */
  static final class Words implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return ALL.stream().map(BackendChoice::toString).iterator();
    }
  }
}
