package io.jpar.internal.process;

import io.jpar.Task;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tasks a process backend has encoded, keyed by their bytes: a task submitted again (the same
 * lambda with the same captured values, in a loop of {@code submit}s) finds its entry — its id, which
 * workers already hold, and its learned chunk size — and is not sent to the workers again. Keyed by
 * content rather than by the task object, so nothing here keeps a caller's task alive, and bounded
 * (least recently used out): an evicted task that comes back is simply sent once more under a new id.
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

  TaskTable(Wire wire, int fixedChunk, int maxTasksPerWorker) {
    this.wire = wire;
    this.fixedChunk = fixedChunk;
    this.maxTasksPerWorker = maxTasksPerWorker;
  }

  /**
   * The entry for {@code task}, encoding it first.
   *
   * @throws IllegalArgumentException if the task cannot be sent to a worker, saying why
   */
  TaskEntry entryFor(Task<?, ?> task) {
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
