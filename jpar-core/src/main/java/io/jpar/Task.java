package io.jpar;

import java.io.Serializable;

/**
 * One piece of work: turns an input into an output, and may throw. A task is {@link Serializable} so
 * that the same lambda or method reference runs on threads in this JVM, in isolated worker JVMs
 * ({@link Pool#processes()}) and, later, on a cluster; a lambda is serializable when its target type is
 * {@code Task} and everything it captures is serializable.
 *
 * {@snippet :
 * Task<Path, Long> countLines = file -> { try (var lines = Files.lines(file)) { return lines.count(); } };
 * List<Long> counts = pool.map(countLines, files);
 * }
 *
 * <p>Thread safety: a pool may call {@code apply} from many threads at once, so a task must not keep
 * unguarded mutable state.
 *
 * @param <I> the input type
 * @param <O> the output type
 * @since 0.1
 */
@FunctionalInterface
public interface Task<I, O> extends Serializable {
  /**
   * Computes the output for one input.
   *
   * @param input one element of the batch
   * @return the result, which may be {@code null}
   * @throws Exception any failure; the pool records it against this input and carries on with the others
   */
  O apply(I input) throws Exception;
}
