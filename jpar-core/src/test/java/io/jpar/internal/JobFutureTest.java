package io.jpar.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.TaskFailedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job's own future: no CompletableFuture until someone blocks, and no lost wake-up when one does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobFutureTest {
  private static JobFuture<String> job() {
    return new JobFuture<>(7, "in", new ProgressTracker(null));
  }

  @Test
  void aBlockedGetWakesForACompletionThatRacesItsInstall() throws Exception {
    // The race the lazy future must survive: the completer publishes while the waiter installs.
    for (int i = 0; i < 5_000; i++) {
      JobFuture<String> j = job();
      CountDownLatch go = new CountDownLatch(1);
      Thread completer = Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        j.complete("v" + 1);
      });
      go.countDown();
      assertThat(j.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
      completer.join();
    }
  }

  @Test
  void getJoinAndOutcomeReportAFailureWithTheTasksOwnException() {
    JobFuture<String> j = job();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThat(j.fail(boom)).isTrue();
    assertThat(j.complete("late")).isFalse();
    assertThatThrownBy(j::get).isInstanceOf(ExecutionException.class).hasCause(boom);
    assertThatThrownBy(j::join).isInstanceOf(TaskFailedException.class).hasCause(boom);
    assertThat(j.outcome().isSuccess()).isFalse();
    assertThat(j.isDone()).isTrue();
    assertThat(j.isCancelled()).isFalse();
  }

  @Test
  void aCancelledJobSaysSoEverywhere() throws Exception {
    JobFuture<String> j = job();
    CompletableFuture<String> early = j.toCompletableFuture();
    assertThat(j.cancel(false)).isTrue();
    assertThat(j.cancel(false)).isTrue(); // already cancelled: still true, as Future says
    assertThat(j.isCancelled()).isTrue();
    assertThatThrownBy(j::get).isInstanceOf(CancellationException.class);
    assertThatThrownBy(j::join).isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(CancellationException.class);
    assertThat(early.isCancelled()).isTrue();
    assertThat(j.toCompletableFuture().isCancelled()).isTrue();
  }

  @Test
  void aTimedGetOnAPendingJobTimesOutAndAValueReachesCompletableFuturesMadeBeforeAndAfter() throws Exception {
    JobFuture<String> j = job();
    assertThatThrownBy(() -> j.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    CompletableFuture<String> before = j.toCompletableFuture();
    j.complete("done");
    assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(j.toCompletableFuture().getNow(null)).isEqualTo("done");
    assertThat(j.join()).isEqualTo("done");
  }
}
