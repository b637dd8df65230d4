package io.jpar.internal.thread;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.Task;
import io.jpar.internal.PoolContext;
import io.jpar.internal.Settings;
import io.jpar.internal.TaskWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PlatformThreadBackendTest {
  private static final Task<Object, Object> SAME = x -> x;
  private static final Task<Object, Object> OTHER = x -> null;

  /** A wrapper as the auto pool makes one: same class whatever it wraps. */
  record Wrapper(Task<Object, Object> inner) implements Task<Object, Object>, TaskWrapper {
    @Override
    public Object apply(Object input) throws Exception {
      return inner.apply(input);
    }

    @Override
    public Task<?, ?> wrapped() {
      return inner;
    }
  }

  @Test
  void batchesOfTheSameCodeShareWhatWasLearnedAndOtherCodeStartsAfresh() {
    PlatformThreadBackend backend = PlatformThreadBackend.start(new PoolContext(new Settings("t", 2, null, null)));
    try {
      var first = backend.prepare(SAME);
      first.sizer().record(1, 100); // a chunk of one took 100 ns: chunks should grow
      var again = backend.prepare(SAME);
      assertThat(again.sizer()).isSameAs(first.sizer());
      assertThat(again.sizer().size()).isEqualTo(2);
      assertThat(backend.prepare(OTHER).sizer()).isNotSameAs(first.sizer());
      assertThat(backend.prepare(OTHER).sizer().size()).isEqualTo(1);
      // Wrapped code learns as the code it wraps, not as the wrapper's class.
      assertThat(backend.prepare(new Wrapper(SAME)).sizer()).isSameAs(first.sizer());
      assertThat(backend.prepare(new Wrapper(OTHER)).sizer()).isNotSameAs(first.sizer());
    } finally {
      backend.close();
    }
  }
}
