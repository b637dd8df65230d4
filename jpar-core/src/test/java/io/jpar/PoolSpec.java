package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One behaviour spec that every backend must pass: the methods mean the same whatever the machinery. A
 * subclass names the backends ({@link #backends()}); {@code PoolSpecTest} runs the core's, and a module
 * with a backend of its own runs it from core's test jar.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PoolSpec {

  /** The pools to run the spec on. */
  protected abstract Stream<? extends PoolMaker> backends();

  static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void mapReturnsResultsInInputOrderEvenWhenLaterInputsFinishFirst(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      assertThat(pool.map(Tasks::squareSlowlyFirst, upTo(30)))
          .containsExactlyElementsOf(upTo(30).stream().map(x -> x * x).toList());
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void mapOfNothingIsEmpty(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      assertThat(pool.map(Tasks::square, List.<Integer>of())).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void mapThrowsTheFailureNamingTheInput(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      assertThatThrownBy(() -> pool.map(Tasks::failOn13, upTo(40)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.inputIndex()).isEqualTo(13);
                assertThat(e.input()).isEqualTo("13");
                assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("unlucky 13");
                assertThat(e.getMessage()).contains("#13").contains("unlucky 13");
              });
      // The pool is still usable after a failed batch.
      assertThat(pool.map(Tasks::square, List.of(3))).containsExactly(9);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void mapOutcomesKeepsEveryResultAndPlacesFailuresWhereTheirInputWas(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      List<Outcome<Integer>> outcomes = pool.mapOutcomes(Tasks::failOn13, upTo(20));
      assertThat(outcomes).hasSize(20);
      for (int i = 0; i < 20; i++) {
        if (i == 13) {
          assertThat(outcomes.get(i)).isInstanceOfSatisfying(
              Outcome.Failure.class, f -> assertThat(f.error().inputIndex()).isEqualTo(13));
        } else {
          assertThat(outcomes.get(i)).isEqualTo(new Outcome.Success<>(i * i));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void imapReadsAnEndlessInputOnlyAsResultsAreConsumed(PoolMaker backend) {
    AtomicLong pulled = new AtomicLong();
    Stream<Integer> endless = Stream.iterate(0, x -> x + 1).peek(x -> pulled.incrementAndGet());
    try (Pool pool = backend.pool();
        Stream<Integer> results = pool.imap(Tasks::square, endless)) {
      List<Integer> first = results.limit(100).toList();
      assertThat(first).containsExactlyElementsOf(upTo(100).stream().map(x -> x * x).toList());
      // A bounded window: what was consumed plus a read-ahead of a few chunks per worker, not "everything".
      assertThat(pulled.get()).isBetween(100L, 100L + 10_000L);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void imapUnorderedDeliversEveryResultOnce(PoolMaker backend) {
    try (Pool pool = backend.pool();
        Stream<Integer> results = pool.imapUnordered(Tasks::squareSlowlyFirst, upTo(50))) {
      List<Integer> got = new ArrayList<>(results.toList());
      Collections.sort(got);
      assertThat(got).containsExactlyElementsOf(upTo(50).stream().map(x -> x * x).toList());
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void imapThrowsAFailureWhenItsResultIsReached(PoolMaker backend) {
    try (Pool pool = backend.pool();
        Stream<Integer> results = pool.imap(Tasks::failOn13, upTo(20))) {
      assertThatThrownBy(results::toList)
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void imapOutcomesNeverEndsOnAFailure(PoolMaker backend) {
    try (Pool pool = backend.pool();
        Stream<Outcome<Integer>> results = pool.imapOutcomes(Tasks::failOn13, upTo(20).stream())) {
      List<Outcome<Integer>> all = results.toList();
      assertThat(all).hasSize(20);
      assertThat(all.stream().filter(o -> !o.isSuccess()).count()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void submitGivesAFutureWithTheJdkContracts(PoolMaker backend) throws Exception {
    try (Pool pool = backend.pool()) {
      assertThat(pool.submit(Tasks::square, 7).join()).isEqualTo(49);
      assertThat(pool.submit(Tasks::square, 8).get()).isEqualTo(64);
      TaskFuture<Integer> bad = pool.submit(Tasks::failOn13, 13);
      assertThatThrownBy(bad::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(bad::join)
          .isInstanceOf(TaskFailedException.class)
          .hasCauseInstanceOf(IllegalArgumentException.class);
      assertThat(bad.outcome().isSuccess()).isFalse();
      assertThat(pool.submit(Tasks::square, 9).toCompletableFuture().thenApply(x -> x + 1).join()).isEqualTo(82);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void submitHandsOutAFutureThatCannotCompleteTheJob(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      TaskFuture<Integer> f = pool.submit(Tasks::square, 3);
      // The backend completes an io.jpar.spi.Job; the caller must not be able to, even by a cast.
      assertThat(f).isNotInstanceOf(io.jpar.spi.Job.class);
      assertThat(f.join()).isEqualTo(9);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void asCompletedYieldsFuturesInTheOrderTheyFinish(PoolMaker backend) {
    try (Pool pool = backend.pool()) {
      List<TaskFuture<String>> futures =
          List.of(pool.submit(Tasks::sleepMillis, 600), pool.submit(Tasks::sleepMillis, 10));
      List<String> order = Pool.asCompleted(futures).map(TaskFuture::join).toList();
      assertThat(order).containsExactly("slept 10", "slept 600");
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aTaskPastItsTimeoutFailsWithTaskTimeoutException(PoolMaker backend) {
    try (Pool pool = backend.withTimeout(Duration.ofMillis(200))) {
      List<Outcome<String>> outcomes = pool.mapOutcomes(Tasks::sleepMillis, List.of(10_000, 5));
      assertThat(outcomes.get(0)).isInstanceOfSatisfying(
          Outcome.Failure.class, f -> assertThat(f.error()).hasCauseInstanceOf(TaskTimeoutException.class));
      assertThat(outcomes.get(1)).isEqualTo(new Outcome.Success<>("slept 5"));
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aClosedPoolRejectsWorkWithIllegalStateException(PoolMaker backend) {
    Pool pool = backend.pool();
    pool.close();
    assertThat(pool.isClosed()).isTrue();
    assertThatThrownBy(() -> pool.submit(Tasks::square, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> pool.map(Tasks::square, List.of(1))).isInstanceOf(IllegalStateException.class);
    pool.close(); // idempotent
    pool.terminate();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void closeWaitsForSubmittedWork(PoolMaker backend) {
    Pool pool = backend.pool();
    List<TaskFuture<String>> futures = upTo(6).stream().map(i -> pool.submit(Tasks::sleepMillis, 50)).toList();
    pool.close();
    assertThat(futures).allMatch(TaskFuture::isDone);
    assertThat(futures).allMatch(f -> f.outcome().isSuccess());
  }

  @ParameterizedTest
  @MethodSource("backends")
  void terminateCancelsPendingWorkAndStopsRunningTasks(PoolMaker backend) {
    Pool pool = backend.pool();
    List<TaskFuture<String>> futures = upTo(10).stream().map(i -> pool.submit(Tasks::sleepMillis, 60_000)).toList();
    long start = System.nanoTime();
    pool.terminate();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(futures).allMatch(TaskFuture::isDone);
    assertThat(futures).allMatch(TaskFuture::isCancelled);
    assertThatThrownBy(futures.get(0)::join).isInstanceOf(TaskFailedException.class)
        .hasCauseInstanceOf(CancellationException.class);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void terminateEndsABatchThatAnotherThreadIsRunning(PoolMaker backend) throws Exception {
    Pool pool = backend.pool();
    // Many tiny tasks (processes hand them over in chunks) and then slow ones: terminate comes mid-run.
    List<Integer> inputs = java.util.stream.Stream.concat(upTo(300_000).stream().map(i -> 0),
        upTo(200).stream().map(i -> 2_000)).toList();
    java.util.concurrent.CompletableFuture<List<Outcome<String>>> run =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> pool.mapOutcomes(Tasks::sleepMillis, inputs));
    Thread.sleep(1_500);
    pool.terminate();
    List<Outcome<String>> outcomes = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(outcomes.size()).isBetween(1, inputs.size());
    // It ended early: inputs not read, or inputs in flight cancelled.
    assertThat(outcomes.size() < inputs.size() || outcomes.stream().anyMatch(o -> !o.isSuccess())).isTrue();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void progressReportsEveryTaskAndTheTotal(PoolMaker backend) {
    List<Progress> seen = Collections.synchronizedList(new ArrayList<>());
    Pool pool = backend.pool(new PoolMaker.Options() {
      @Override
      public <B extends PoolBuilder<B>> B apply(B b) {
        return b.onProgress(seen::add);
      }
    });
    try (pool) {
      pool.mapOutcomes(Tasks::failOn13, upTo(20));
    }
    assertThat(seen).hasSize(20);
    Progress last = seen.get(seen.size() - 1);
    assertThat(last.done()).isEqualTo(20);
    assertThat(last.failed()).isEqualTo(1);
    assertThat(last.total()).isEqualTo(20);
    assertThat(last.eta()).contains(Duration.ZERO);
    assertThat(seen).extracting(Progress::done).isSorted();
  }
}
