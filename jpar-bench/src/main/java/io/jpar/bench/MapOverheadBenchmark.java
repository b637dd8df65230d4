package io.jpar.bench;

import io.jpar.Pool;
import io.jpar.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-task cost of {@code Pool.map} on trivial work (x -> x + 1), against a plain {@link ExecutorService}
 * of the same kind doing the same work by submit-all-then-get-in-order, which is what a careful user
 * writes by hand. Reported per task (ns/op with {@value #TASKS} ops per invocation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MapOverheadBenchmark {
  static final int TASKS = 10_000;

  @Param({"threads", "virtual"})
  public String backend;

  private Pool pool;
  private ExecutorService executor;
  private List<Integer> inputs;
  private static final Task<Integer, Integer> PLUS_ONE = x -> x + 1;

  @Setup(Level.Trial)
  public void setUp() {
    int cores = Runtime.getRuntime().availableProcessors();
    inputs = IntStream.range(0, TASKS).boxed().toList();
    if (backend.equals("threads")) {
      pool = Pool.threads().workers(cores).build();
      executor = Executors.newFixedThreadPool(cores);
    } else {
      pool = Pool.virtualThreads().maxConcurrency(TASKS).build();
      executor = Executors.newVirtualThreadPerTaskExecutor();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
    executor.close();
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public List<Integer> jparMap() {
    return pool.map(PLUS_ONE, inputs);
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public List<Integer> executorServiceBaseline() throws InterruptedException, ExecutionException {
    List<Future<Integer>> futures = new ArrayList<>(TASKS);
    for (Integer x : inputs) {
      futures.add(executor.submit(() -> x + 1));
    }
    List<Integer> out = new ArrayList<>(TASKS);
    for (Future<Integer> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
