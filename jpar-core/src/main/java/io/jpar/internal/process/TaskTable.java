package io.jpar.internal.process;

import io.jpar.Task;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tasks a process backend has encoded, keyed by their bytes: a task submitted again (the same
 * lambda with the same captured values, in a loop of {@code submit}s) finds its entry — its id, which
 * workers already hold, and its learned chunk size — and is not sent to the workers again. Keyed by
 * content rather than by the task object, so nothing here keeps a caller's task alive, and bounded
 * (least recently used out): an evicted task that comes back is simply sent once more under a new id.
 *
 * <p>A task whose class has no instance state (a method reference or a lambda that captures nothing)
 * encodes to the same bytes every time, so its entry is found by its class without encoding it again:
 * a {@code submit} in a loop then pays no serialization per call (a lambda's takes ~10 µs, a fifth of
 * a round trip).
 */
final class TaskTable {
  private static final int MAX_ENTRIES = 256;

  private final Wire wire;
  private final int fixedChunk;
  private final int maxTasksPerWorker;
  private final Map<Key, TaskEntry> entries = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, TaskEntry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  private int nextId = 1; // guarded by entries
  /** Per stateless task class, its entry once made; a ClassValue keeps no class alive. */
  private final ClassValue<AtomicReference<TaskEntry>> byStatelessClass = new ClassValue<>() {
    @Override
    protected AtomicReference<TaskEntry> computeValue(Class<?> type) {
      return hasInstanceState(type) ? STATEFUL : new AtomicReference<>();
    }
  };
  /** The mark of a class whose instances differ: those are looked up by their bytes. */
  private static final AtomicReference<TaskEntry> STATEFUL = new AtomicReference<>();

  TaskTable(Wire wire, int fixedChunk, int maxTasksPerWorker) {
    this.wire = wire;
    this.fixedChunk = fixedChunk;
    this.maxTasksPerWorker = maxTasksPerWorker;
  }

  /**
   * The entry for {@code task}: by its class when that has no instance state, else by its bytes.
   *
   * @throws IllegalArgumentException if the task cannot be sent to a worker, saying why
   */
  TaskEntry entryFor(Task<?, ?> task) {
    AtomicReference<TaskEntry> known = byStatelessClass.get(task.getClass());
    if (known == STATEFUL) {
      return encoded(task);
    }
    TaskEntry e = known.get();
    if (e == null) {
      e = encoded(task);
      known.compareAndSet(null, e);
    }
    return e;
  }

  private static boolean hasInstanceState(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          return true;
        }
      }
    }
    return false;
  }

  private TaskEntry encoded(Task<?, ?> task) {
    byte[] bytes = wire.encodeTask(task, "task");
    Key key = new Key(bytes);
    synchronized (entries) {
      return entries.computeIfAbsent(key, k -> new TaskEntry(nextId++, bytes, fixedChunk, maxTasksPerWorker));
    }
  }

  /** A task's encoded bytes, compared by content. */
  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
