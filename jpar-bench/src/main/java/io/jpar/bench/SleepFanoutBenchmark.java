package io.jpar.bench;

import io.jpar.Pool;
import io.jpar.Task;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 10,000 tasks that each sleep 100 ms, on virtual threads. The lower bound is 100 ms (all waits
 * overlap); the score is the batch time, so score / 100 ms is the ratio to the bound. A bare
 * virtual-thread-per-task executor runs beside it as the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class SleepFanoutBenchmark {
  static final int TASKS = 10_000;
  private static final List<Integer> INPUTS = IntStream.range(0, TASKS).boxed().toList();
  private static final Task<Integer, Integer> SLEEP_100MS =
      x -> {
        Thread.sleep(100);
        return x;
      };

  @Benchmark
  public List<Integer> jparVirtualThreads() {
    try (Pool pool = Pool.virtualThreads().maxConcurrency(TASKS).build()) {
      return pool.map(SLEEP_100MS, INPUTS);
    }
  }

  @Benchmark
  public int virtualThreadPerTaskExecutorBaseline() throws Exception {
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var futures = INPUTS.stream().map(x -> executor.submit(() -> SLEEP_100MS.apply(x))).toList();
      int sum = 0;
      for (var f : futures) {
        sum += f.get();
      }
      return sum;
    }
  }
}
