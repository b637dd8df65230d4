package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pool.asExecutorService()} keeps the JDK's {@link ExecutorService} contract on every backend:
 * the same tests for threads, virtual threads, worker processes, auto pools and an SPI backend.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ExecutorServiceContractTest {

  /** What a worker process can receive: a Callable that serializes. */
  interface SCallable<T> extends Callable<T>, Serializable {}

  interface SRunnable extends Runnable, Serializable {}

  static Stream<Backends> backends() {
    return Backends.all();
  }

  static SCallable<Integer> valueAfter(int value, long millis) {
    return () -> {
      Thread.sleep(millis);
      return value;
    };
  }

  static SRunnable sleeper(long millis) {
    return () -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  static boolean runsInAnotherJvm(Backends b) {
    return b == Backends.PROCESSES || b == Backends.AUTO_ISOLATED;
  }

  /** A Callable that cannot travel: not Serializable. */
  static final class LocalOnlyCallable implements Callable<Integer> {
    @Override
    public Integer call() {
      return 7;
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void submitReturnsThePoolsFuturesWithTheCallablesValueOrTheRunnablesResult(Backends backend)
      throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      Future<Integer> callable = executor.submit(valueAfter(42, 0));
      Future<String> withResult = executor.submit(sleeper(0), "done");
      Future<?> plain = executor.submit(sleeper(0));
      assertThat(callable).isInstanceOf(TaskFuture.class);
      assertThat(callable.get(10, TimeUnit.SECONDS)).isEqualTo(42);
      assertThat(withResult.get(10, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(plain.get(10, TimeUnit.SECONDS)).isNull();
      assertThat(plain.isDone()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void executeRunsTheRunnable(Backends backend, @TempDir Path dir) throws Exception {
    String file = dir.resolve("ran").toString();
    try (Pool pool = backend.pool()) {
      pool.asExecutorService().execute((SRunnable) () -> {
        try {
          Files.writeString(Path.of(file), "ran");
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(Path.of(file)) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(Path.of(file)).exists();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  @SuppressWarnings("DataFlowIssue")
  void nullTasksAreRefusedWithNullPointerException(Backends backend) {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      assertThatThrownBy(() -> executor.execute(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> executor.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> executor.submit((Runnable) null, 1)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> executor.submit((Callable<?>) null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> executor.invokeAll(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> executor.invokeAny(null)).isInstanceOf(NullPointerException.class);
      List<Callable<Integer>> withNull = new ArrayList<>();
      withNull.add(valueAfter(1, 0));
      withNull.add(null);
      assertThatThrownBy(() -> executor.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void getThrowsExecutionExceptionCarryingTheTasksOwnException(Backends backend) {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      Future<Object> unchecked = executor.submit((SCallable<Object>) () -> {
        throw new IllegalArgumentException("boom");
      });
      Future<Object> checked = executor.submit((SCallable<Object>) () -> {
        throw new IOException("disk gone");
      });
      assertThatThrownBy(unchecked::get).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
      assertThatThrownBy(checked::get).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(IOException.class).hasMessage("disk gone");
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void cancelWithInterruptStopsRunningTasksSoTheWorkersAreFreeAgain(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      Future<Integer> a = executor.submit(valueAfter(1, 60_000));
      Future<Integer> b = executor.submit(valueAfter(2, 60_000));
      Thread.sleep(300);
      assertThat(a.cancel(true)).isTrue();
      assertThat(b.cancel(true)).isTrue();
      assertThat(a.isCancelled()).isTrue();
      assertThatThrownBy(a::get).isInstanceOf(CancellationException.class);
      assertThatThrownBy(() -> b.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
      // Both workers were busy for a minute: a new task runs only because the cancel stopped them.
      assertThat(executor.submit(valueAfter(3, 0)).get(10, TimeUnit.SECONDS)).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void invokeAllReturnsEveryResultInOrderOnceAllAreDone(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        tasks.add(valueAfter(i, 60 - 10L * i));
      }
      List<Future<Integer>> futures = pool.asExecutorService().invokeAll(tasks);
      assertThat(futures).hasSize(6).allMatch(Future::isDone);
      for (int i = 0; i < 6; i++) {
        assertThat(futures.get(i).get()).isEqualTo(i);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void timedInvokeAllCancelsTheTasksUnfinishedAtTheTimeout(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      executor.submit(valueAfter(0, 0)).get(10, TimeUnit.SECONDS); // workers started
      long start = System.nanoTime();
      List<Future<Integer>> futures =
          executor.invokeAll(List.of(valueAfter(1, 0), valueAfter(2, 60_000)), 500, TimeUnit.MILLISECONDS);
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
      assertThat(futures).allMatch(Future::isDone);
      assertThat(futures.get(0).get()).isEqualTo(1);
      assertThat(futures.get(1).isCancelled()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void invokeAnyReturnsASuccessAndCancelsTheOthers(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      SCallable<Integer> fails = () -> {
        throw new IllegalStateException("no");
      };
      assertThat(executor.invokeAny(List.of(fails, valueAfter(9, 60_000), valueAfter(5, 50)))).isEqualTo(5);
      // The minute-long task was cancelled: the pool terminates at once.
      executor.shutdown();
      assertThat(executor.awaitTermination(8, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void invokeAnyWhenEveryTaskFailsThrowsExecutionException(Backends backend) {
    try (Pool pool = backend.pool()) {
      SCallable<Integer> fails = () -> {
        throw new IllegalStateException("no");
      };
      assertThatThrownBy(() -> pool.asExecutorService().invokeAny(List.of(fails, fails)))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(IllegalStateException.class).hasMessage("no");
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void timedInvokeAnyThrowsTimeoutExceptionAndCancelsTheTasks(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      assertThatThrownBy(() -> executor.invokeAny(List.of(valueAfter(1, 60_000)), 100, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
      executor.shutdown();
      assertThat(executor.awaitTermination(8, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void invokeAnyOfNoTasksIsIllegalArgument(Backends backend) {
    try (Pool pool = backend.pool()) {
      assertThatThrownBy(() -> pool.asExecutorService().invokeAny(List.<Callable<Integer>>of()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void shutdownRejectsNewTasksAndLetsSubmittedOnesFinish(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(executor.submit(valueAfter(i, 100)));
      }
      executor.shutdown();
      assertThat(executor.isShutdown()).isTrue();
      assertThat(pool.isClosed()).as("shutting the view down closes the pool").isTrue();
      assertThatThrownBy(() -> executor.submit(valueAfter(9, 0))).isInstanceOf(RejectedExecutionException.class);
      assertThatThrownBy(() -> executor.execute(sleeper(0))).isInstanceOf(RejectedExecutionException.class);
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(executor.isTerminated()).isTrue();
      for (int i = 0; i < 4; i++) {
        assertThat(futures.get(i).get()).isEqualTo(i);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void closingThePoolShutsTheViewDown(Backends backend) throws Exception {
    Pool pool = backend.pool();
    ExecutorService executor = pool.asExecutorService();
    assertThat(executor.isShutdown()).isFalse();
    assertThat(executor.isTerminated()).isFalse();
    pool.close();
    assertThat(executor.isShutdown()).isTrue();
    assertThat(executor.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> executor.submit(valueAfter(1, 0))).isInstanceOf(RejectedExecutionException.class);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void shutdownNowCancelsEverythingAndReturnsTheTasksNeverStarted(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      List<Future<?>> futures = new ArrayList<>();
      List<Runnable> queued = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        futures.add(executor.submit(sleeper(60_000)));
      }
      Thread.sleep(300); // the first two are running
      for (int i = 0; i < 3; i++) {
        SRunnable r = sleeper(60_000);
        queued.add(r);
        futures.add(executor.submit(r));
      }
      List<Runnable> neverStarted = executor.shutdownNow();
      assertThat(executor.isShutdown()).isTrue();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(futures).allMatch(Future::isDone).allMatch(Future::isCancelled);
      assertThat(queued).containsAll(neverStarted);
      switch (backend) {
        case THREADS, VIRTUAL_THREADS, SPI_EXECUTOR -> assertThat(neverStarted).containsExactlyElementsOf(queued);
        case PROCESSES -> assertThat(neverStarted).as("queued and running are told apart in the workers only")
            .isEmpty();
        default -> { } // auto: depends on how many run at once
      }
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void closeWaitsForTheSubmittedTasks(Backends backend) throws Exception {
    Pool pool = backend.pool();
    ExecutorService executor = pool.asExecutorService();
    Future<Integer> f = executor.submit(valueAfter(4, 200));
    executor.close();
    assertThat(f.isDone()).isTrue();
    assertThat(f.get()).isEqualTo(4);
    assertThat(executor.isTerminated()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void anInterruptedCloseBecomesShutdownNowAndKeepsTheInterrupt(Backends backend) throws Exception {
    Pool pool = backend.pool();
    ExecutorService executor = pool.asExecutorService();
    Future<Integer> f = executor.submit(valueAfter(4, 60_000));
    Thread.sleep(200);
    long start = System.nanoTime();
    Thread.currentThread().interrupt();
    executor.close();
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    assertThat(f.isCancelled()).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aCallableThatCannotTravelIsRefusedAtSubmitOnWorkerProcesses(Backends backend) throws Exception {
    try (Pool pool = backend.pool()) {
      ExecutorService executor = pool.asExecutorService();
      if (backend == Backends.PROCESSES) {
        assertThatThrownBy(() -> executor.submit(new LocalOnlyCallable()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(LocalOnlyCallable.class.getName());
      } else if (!runsInAnotherJvm(backend)) {
        assertThat(executor.submit(new LocalOnlyCallable()).get(10, TimeUnit.SECONDS)).isEqualTo(7);
      } else { // auto isolated: refused at once if it goes to a worker, else it runs here
        try {
          assertThat(executor.submit(new LocalOnlyCallable()).get(10, TimeUnit.SECONDS)).isEqualTo(7);
        } catch (IllegalArgumentException e) {
          assertThat(e).hasMessageContaining(LocalOnlyCallable.class.getName());
        }
      }
    }
  }
}
