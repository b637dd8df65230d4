package io.jpar.internal.auto;

import io.jpar.Task;
import io.jpar.internal.TaskWrapper;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An auto pool's handle for a task: the task, metered when it runs in this JVM (this object is the
 * metered task the thread backends run), and each backend's own handle for it, made the first time a
 * chunk of it goes there.
 */
final class AutoTask implements Task<Object, Object>, TaskWrapper {
  private final Task<Object, Object> code;
  private final Meter meter;
  /** At most one entry per backend the pool has started: a handful. */
  private final Map<Machinery<?>, Object> handles = new ConcurrentHashMap<>(4);

  AutoTask(Task<Object, Object> code, Meter meter) {
    this.code = code;
    this.meter = meter;
  }

  Task<Object, Object> code() {
    return code;
  }

  @Override
  public Task<?, ?> wrapped() {
    return code;
  }

  @Override
  public Object apply(Object input) throws Exception {
    return meter.run(code, input);
  }

  @SuppressWarnings("unchecked")
  <H> H handleFor(Machinery<H> machinery) {
    return (H) handles.computeIfAbsent(machinery, m -> machinery.prepare(this));
  }
}
