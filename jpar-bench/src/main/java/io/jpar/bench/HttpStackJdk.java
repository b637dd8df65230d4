package io.jpar.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;

/**
 * The JDK's own {@link HttpClient}, the stack that costs {@code jpar fetch} no dependency. Two ways to
 * drive it: {@code jdk} with {@code sendAsync} and a semaphore bounding the requests in flight, and
 * {@code jdk-vt} with a blocking {@code send} on one virtual thread per request (the style jpar's users
 * write by hand).
 *
 * <p>The client's executor runs the work that its single selector thread hands off (completing
 * responses, delivering bodies). {@code -Dhttpstacks.jdk.executor=} chooses it: {@code vt} (default: a
 * virtual thread per task, so no pool of platform threads competes with the selector thread for the
 * cores), {@code single} (one platform thread) or {@code default} (the JDK's own cached pool, which
 * grows towards a thread per request in flight). On 1 core, 20,000 small files, one noisy run each:
 * vt 4.3 s, single 5.0 s, default 6.3 s; measure again before relying on it.
 */
final class HttpStackJdk {
  private HttpStackJdk() {}

  /** {@code jdk}: asynchronous sends, at most {@code concurrency} in flight. */
  static void fetchAsync(List<URI> urls, int concurrency, HttpTally tally) throws Exception {
    try (ExecutorService executor = newExecutor(); HttpClient client = newClient(executor)) {
      Semaphore inFlight = new Semaphore(concurrency);
      tally.begin();
      for (URI uri : urls) {
        inFlight.acquire();
        client.sendAsync(get(uri), COUNTING).whenComplete((response, error) -> {
          if (error != null) {
            tally.failed(uri, error instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : error);
          } else {
            tally.done(uri, response.statusCode(), response.body());
          }
          inFlight.release();
        });
      }
      tally.awaitAll();
    }
  }

  /** {@code jdk-vt}: a blocking send on a virtual thread per URL, at most {@code concurrency} at once. */
  static void fetchOnVirtualThreads(List<URI> urls, int concurrency, HttpTally tally) throws Exception {
    try (ExecutorService executor = newExecutor();
        HttpClient client = newClient(executor);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      // Acquired here rather than in the thread, so that no more than `concurrency` threads ever exist.
      Semaphore inFlight = new Semaphore(concurrency);
      tally.begin();
      for (URI uri : urls) {
        inFlight.acquire();
        threads.execute(() -> {
          try {
            HttpResponse<Long> response = client.send(get(uri), COUNTING);
            tally.done(uri, response.statusCode(), response.body());
          } catch (IOException | RuntimeException e) {
            tally.failed(uri, e);
          } catch (InterruptedException e) {
            tally.failed(uri, e);
            Thread.currentThread().interrupt();
          } finally {
            inFlight.release();
          }
        });
      }
      tally.awaitAll();
    }
  }

  /**
   * HTTP/1.1 only (the JDK would otherwise try an h2c upgrade on every new connection), no redirects.
   * Its pool keeps any number of idle connections per host, so `concurrency` connections stay open.
   */
  private static HttpClient newClient(ExecutorService executor) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (executor != null) {
      builder.executor(executor);
    }
    return builder.build();
  }

  /** The executor chosen with -Dhttpstacks.jdk.executor, or null for the client's own. */
  private static ExecutorService newExecutor() {
    String choice = System.getProperty("httpstacks.jdk.executor", "vt");
    return switch (choice) {
      case "vt" -> Executors.newVirtualThreadPerTaskExecutor();
      case "single" -> Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("jdk-http").unstarted(r));
      case "default" -> null;
      default -> throw new IllegalArgumentException("httpstacks.jdk.executor: vt, single or default, not " + choice);
    };
  }

  private static HttpRequest get(URI uri) {
    return HttpRequest.newBuilder(uri).GET().build();
  }

  /**
   * Reads the whole body but keeps none of it: the sizes of the buffers are added up, as the other
   * stacks do. (BodyHandlers.discarding() would not tell us the size; ofByteArray() would copy it.)
   */
  private static final BodyHandler<Long> COUNTING = info -> new CountingSubscriber();

  private static final class CountingSubscriber implements HttpResponse.BodySubscriber<Long> {
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private long count;

    @Override
    public CompletionStage<Long> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        count += b.remaining();
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(count);
    }
  }
}
