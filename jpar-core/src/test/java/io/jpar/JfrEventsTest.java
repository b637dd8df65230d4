package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight Recorder events, recorded and read back: a batch per map with its counts, sampled tasks on
 * threads, and a process pool's chunks (timed by the workers) and its workers starting, dying of a crashing task, and retiring at their task
 * limit and at close, and an auto pool's move to virtual threads. The event classes are loaded and checked before the first recording starts, as in an
 * application where a recording is started later (jcmd JFR.start).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JfrEventsTest {
  @TempDir Path dir;

  @Test
  @Order(1) // first: its batch before any recording checks the event classes before JFR starts
  void aMapOnThreadsRecordsItsBatchAndSampledTasks() throws Exception {
    try (Pool before = Pool.threads().name("jfr-before").workers(2).build()) {
      before.map(Tasks::square, upTo(10)); // the event classes are loaded, and checked, before JFR starts
    }
    List<RecordedEvent> events = record(() -> {
      try (Pool pool = Pool.threads().name("jfr-threads").workers(2).build()) {
        assertThat(pool.map(Tasks::square, upTo(100))).hasSize(100);
        assertThatThrownBy(() -> pool.map(Tasks::failOn13, upTo(30))).isInstanceOf(TaskFailedException.class);
        assertThat(pool.mapOutcomes(Tasks::failOn13, upTo(30))).hasSize(30);
      }
    });

    List<RecordedEvent> batches = named(events, "jpar.Batch");
    assertThat(batches).hasSize(3).allSatisfy(b -> {
      assertThat(b.getString("pool")).isEqualTo("jfr-threads");
      assertThat(b.getString("backend")).isEqualTo(BackendKind.PLATFORM_THREADS.label());
      assertThat(b.getBoolean("terminated")).isFalse();
      assertThat(b.getDuration()).isPositive();
    });
    RecordedEvent squares = batches.stream().filter(b -> b.getLong("tasks") == 100).findFirst().orElseThrow();
    assertThat(squares.getString("mode")).isEqualTo("map");
    assertThat(squares.getLong("results")).isEqualTo(100);
    assertThat(squares.getLong("failures")).isZero();
    assertThat(squares.getBoolean("cancelled")).isFalse();
    RecordedEvent failFast = batches.stream()
        .filter(b -> b.getString("mode").equals("map") && b.getLong("failures") > 0).findFirst().orElseThrow();
    assertThat(failFast.getLong("failures")).isEqualTo(1);
    assertThat(failFast.getLong("results")).isLessThanOrEqualTo(13);
    RecordedEvent outcomes = batches.stream().filter(b -> b.getString("mode").equals("ordered")).findFirst().orElseThrow();
    assertThat(outcomes.getLong("tasks")).isEqualTo(30);
    assertThat(outcomes.getLong("results")).isEqualTo(30);
    assertThat(outcomes.getLong("failures")).isEqualTo(1);
    assertThat(outcomes.getBoolean("cancelled")).isFalse();

    // The pool times its first 64 tasks for the plan, then one in 64: those are the task events.
    List<RecordedEvent> tasks = named(events, "jpar.Task");
    assertThat(tasks).hasSizeGreaterThanOrEqualTo(64).hasSizeLessThanOrEqualTo(160).allSatisfy(t -> {
      assertThat(t.getString("pool")).isEqualTo("jfr-threads");
      assertThat(t.getLong("wall")).isPositive();
    });
  }

  @Test
  @Order(2)
  void aProcessPoolRecordsItsWorkersStartingDyingAndRetiring() throws Exception {
    List<RecordedEvent> events = record(() -> {
      try (Pool pool = Pool.processes().name("jfr-processes").workers(2).build()) {
        List<Outcome<Integer>> out = pool.mapOutcomes(Faults::haltOn13, upTo(30));
        assertThat(out.get(12).isSuccess()).isFalse();
      }
      try (Pool pool = Pool.processes().name("jfr-limited").workers(1).maxTasksPerWorker(5).build()) {
        assertThat(pool.map(Tasks::square, upTo(12))).hasSize(12);
      }
    });

    List<RecordedEvent> started = named(events, "jpar.WorkerStarted");
    assertThat(started).filteredOn(e -> e.getString("pool").equals("jfr-processes")).hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(e -> {
          assertThat(e.getLong("pid")).isPositive();
          assertThat(e.getString("worker")).startsWith("jfr-processes-");
          assertThat(e.getDuration("handshake")).isPositive().isLessThan(Duration.ofSeconds(60));
        });
    assertThat(named(events, "jpar.WorkerDied")).filteredOn(e -> e.getString("pool").equals("jfr-processes"))
        .anySatisfy(e -> {
          assertThat(e.getInt("exitCode")).isEqualTo(42);
          assertThat(e.getString("cause")).isEqualTo("crash");
          assertThat(e.getLong("pid")).isPositive();
        });
    List<RecordedEvent> retired = named(events, "jpar.WorkerRetired");
    // The worker that replaced the crashed one may still be starting at close: then it is killed, not retired.
    assertThat(retired).filteredOn(e -> e.getString("pool").equals("jfr-processes")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getString("reason")).isEqualTo("shutdown"));
    assertThat(retired).filteredOn(e -> e.getString("pool").equals("jfr-limited"))
        .anySatisfy(e -> assertThat(e.getString("reason")).isEqualTo("maxTasksPerWorker"))
        .anySatisfy(e -> assertThat(e.getString("reason")).isEqualTo("shutdown"));
    // The worker times each chunk; the caller records it when the results arrive: every input in one.
    List<RecordedEvent> chunks = named(events, "jpar.Chunk").stream()
        .filter(e -> e.getString("pool").equals("jfr-limited")).toList();
    assertThat(chunks).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getLong("pid")).isPositive();
      assertThat(e.getDuration("roundTrip")).isPositive();
      assertThat(e.getLong("wall")).isNotZero();
    });
    assertThat(chunks.stream().mapToInt(e -> e.getInt("tasks")).sum()).isEqualTo(12);
    assertThat(named(events, "jpar.Batch")).filteredOn(e -> e.getString("pool").equals("jfr-processes"))
        .singleElement().satisfies(b -> {
          assertThat(b.getString("backend")).isEqualTo(BackendKind.WORKER_PROCESSES.label());
          assertThat(b.getLong("tasks")).isEqualTo(30);
          assertThat(b.getLong("failures")).isEqualTo(1);
        });
  }

  @Test
  @Order(3)
  void anAutoPoolRecordsItsPlanChangeWithTheFigures() throws Exception {
    List<RecordedEvent> events = record(() -> {
      try (Pool pool = Pool.auto().name("jfr-auto").maxConcurrency(100).build()) {
        assertThat(pool.map(Tasks::sleepMillis, IntStream.range(0, 300).mapToObj(i -> 20).toList())).hasSize(300);
      }
    });

    assertThat(named(events, "jpar.PlanChanged")).filteredOn(e -> e.getString("pool").equals("jfr-auto"))
        .first().satisfies(e -> {
          assertThat(e.getString("from")).isEqualTo(BackendKind.PLATFORM_THREADS.label());
          assertThat(e.getString("to")).isEqualTo(BackendKind.VIRTUAL_THREADS.label());
          assertThat(e.getInt("toConcurrency")).isGreaterThan(e.getInt("fromConcurrency"));
          assertThat(e.getString("reason")).contains("waiting work");
          assertThat(e.getLong("samples")).isPositive();
          assertThat(e.getDuration("meanWall")).isGreaterThanOrEqualTo(Duration.ofMillis(15));
          assertThat(e.getDouble("cpuShare")).isLessThan(0.5);
          assertThat(e.getDouble("tasksPerSecond")).isPositive();
        });
  }

  private List<RecordedEvent> record(Runnable work) throws Exception {
    Path file = dir.resolve("rec.jfr");
    try (Recording r = new Recording()) {
      for (String name : List.of("jpar.Batch", "jpar.Task", "jpar.WorkerStarted", "jpar.WorkerDied",
          "jpar.WorkerRetired", "jpar.PlanChanged", "jpar.Chunk")) {
        r.enable(name);
      }
      r.start();
      work.run();
      r.stop();
      r.dump(file);
    }
    assertThat(Files.size(file)).isPositive();
    return RecordingFile.readAllEvents(file);
  }

  /**
   * The events of one type in the order they happened: a recording keeps each thread's events in that
   * thread's buffer, so events from the pool's timer and from the caller's threads come out of the file
   * in buffer order, not time order.
   */
  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name))
        .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).toList();
  }

  private static List<Integer> upTo(int n) {
    return IntStream.rangeClosed(1, n).boxed().toList();
  }
}
