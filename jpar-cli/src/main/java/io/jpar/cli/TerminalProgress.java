package io.jpar.cli;

import io.jpar.Progress;
import io.jpar.ProgressListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A progress bar on stderr when stderr is a terminal; nothing otherwise (pipes, files, CI, tests). */
final class TerminalProgress implements ProgressListener, AutoCloseable {
  private final ProgressBar bar;

  TerminalProgress(String task, long total) {
    this.bar = onTerminal()
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
            .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()
        : null;
  }

  /** Console.isTerminal() exists from Java 22; on 21 a non-null console already means a terminal. */
  static boolean onTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public void onProgress(Progress p) {
    if (bar != null) {
      bar.stepTo(p.done());
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
