package io.jpar;

/**
 * A task failed in a worker JVM with an exception that could not be brought back as itself (its class
 * is missing in this JVM, or it would not serialize). It keeps what is known: the exception's class
 * name, its message and its stack trace as printed in the worker. Exceptions that can travel arrive as
 * themselves instead, with their remote stack trace and causes.
 *
 * {@snippet :
 * catch (TaskFailedException e) {
 *   if (e.getCause() instanceof RemoteTaskException r) {
 *     System.err.println(r.remoteClassName() + "\n" + r.remoteStackTrace());
 *   }
 * }
 * }
 *
 * <p>Thread safety: immutable.
 *
 * @since 0.1
 */
public class RemoteTaskException extends JparException {
  private static final long serialVersionUID = 1L;
  /** The class name of the exception thrown in the worker. */
  private final String remoteClassName;

  /** The stack trace, with causes, as printed in the worker. */
  private final String remoteStackTrace;

  /**
   * Creates the exception for one thrown in a worker that could not be sent back as itself.
   *
   * @param remoteClassName the class name of the exception thrown in the worker
   * @param remoteMessage its message, or {@code null}
   * @param remoteStackTrace its stack trace, with causes, as printed in the worker
   */
  public RemoteTaskException(String remoteClassName, String remoteMessage, String remoteStackTrace) {
    super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage) + " (in a worker process)");
    this.remoteClassName = remoteClassName;
    this.remoteStackTrace = remoteStackTrace;
  }

  /** {@return the class name of the exception thrown in the worker} */
  public String remoteClassName() {
    return remoteClassName;
  }

  /** {@return the stack trace, with causes, as printed in the worker} */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
