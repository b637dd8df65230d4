package io.jpar.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PoolExecutorServiceTest {

  @Test
  void theTaskEverySubmissionRunsAsHasNoInstanceStateSoWorkerProcessesGetItOnce() throws Exception {
    // The process backend's task table finds a task class without instance state by its class: one
    // entry, encoded once, however many Callables are submitted.
    Field[] instanceFields = Arrays.stream(PoolExecutorService.RunSubmission.class.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .toArray(Field[]::new);
    assertThat(instanceFields).isEmpty();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(PoolExecutorService.RunSubmission.INSTANCE);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isSameAs(PoolExecutorService.RunSubmission.INSTANCE);
    }
  }

  @Test
  void aSubmissionTakenBackByShutdownNowNeverRunsItsWork() throws Exception {
    int[] runs = {0};
    PoolExecutorService.Submission s = new PoolExecutorService.Submission((Runnable) () -> runs[0]++, null);
    assertThat(s.takeBack()).isTrue();
    assertThatThrownBy(s::run).isInstanceOf(CancellationException.class);
    assertThat(runs[0]).isZero();
    assertThat(s.takeBack()).as("claimed once only").isFalse();
  }
}
