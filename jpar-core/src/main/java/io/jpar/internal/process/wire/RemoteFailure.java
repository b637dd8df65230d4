package io.jpar.internal.process.wire;

import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;

/**
 * A task's failure on its way from a worker to the caller. The exception itself travels as separately
 * encoded bytes, so that an exception the caller cannot decode (its class is missing there, or it
 * will not serialize) still arrives as class name, message and stack trace text.
 *
 * @param errorBytes the codec's encoding of the exception, or {@code null} if it would not encode
 * @param className the exception's class
 * @param message its message
 * @param trace its stack trace with causes, as printed in the worker
 */
public record RemoteFailure(byte[] errorBytes, String className, String message, String trace)
    implements Serializable {

  public static RemoteFailure of(Throwable error, byte[] errorBytes) {
    StringWriter sw = new StringWriter();
    error.printStackTrace(new PrintWriter(sw));
    return new RemoteFailure(errorBytes, error.getClass().getName(), error.getMessage(), sw.toString());
  }
}
