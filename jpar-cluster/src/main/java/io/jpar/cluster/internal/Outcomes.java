package io.jpar.cluster.internal;

import io.jpar.RemoteTaskException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;

/**
 * A chunk's results in input order: for each input its value, or the task's own exception. Serialized
 * whole; when a value cannot be, each is tried alone and the ones that fail become a {@link
 * RemoteTaskException} saying so, so one bad result never costs the chunk.
 */
public record Outcomes(boolean[] failed, Object[] values) implements Serializable {
  private static final long serialVersionUID = 1L;

  public int size() {
    return values.length;
  }

  public byte[] encode() {
    try {
      return Wire.serialize(this);
    } catch (IOException whole) {
      Object[] safe = values.clone();
      boolean[] safeFailed = failed.clone();
      for (int i = 0; i < safe.length; i++) {
        try {
          Wire.serialize(safe[i]);
        } catch (IOException e) {
          safe[i] = unsendable(safe[i], e);
          safeFailed[i] = true;
        }
      }
      try {
        return Wire.serialize(new Outcomes(safeFailed, safe));
      } catch (IOException e) {
        throw new IllegalStateException("a chunk's results could not be serialized even one by one", e);
      }
    }
  }

  private static RemoteTaskException unsendable(Object value, IOException e) {
    String what = value instanceof Throwable ? "its exception" : "its result";
    StringWriter trace = new StringWriter();
    if (value instanceof Throwable t) {
      t.printStackTrace(new PrintWriter(trace));
    }
    return new RemoteTaskException(value.getClass().getName(),
        "the task ran on a cluster member, but " + what + " (" + value.getClass().getName()
            + ") could not be sent back: " + e + "; make it Serializable", trace.toString());
  }
}
