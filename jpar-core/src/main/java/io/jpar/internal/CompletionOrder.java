package io.jpar.internal;

import io.jpar.JparException;
import io.jpar.TaskFuture;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Backs {@code Pool.asCompleted}: futures in the order they finish, as a lazy blocking stream. */
public final class CompletionOrder {
  private CompletionOrder() {}

  public static <O, F extends TaskFuture<O>> Stream<F> of(Collection<F> futures) {
    List<F> all = List.copyOf(futures);
    LinkedBlockingQueue<F> finished = new LinkedBlockingQueue<>();
    for (F f : all) {
      f.toCompletableFuture().whenComplete((v, e) -> finished.add(f));
    }
    Iterator<F> it =
        new Iterator<>() {
          private int taken;

          @Override
          public boolean hasNext() {
            return taken < all.size();
          }

          @Override
          public F next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            try {
              F f = finished.take();
              taken++;
              return f;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new JparException("interrupted while waiting for the next completed task", e);
            }
          }
        };
    return StreamSupport.stream(
        Spliterators.spliterator(it, all.size(), Spliterator.SIZED | Spliterator.NONNULL), false);
  }
}
