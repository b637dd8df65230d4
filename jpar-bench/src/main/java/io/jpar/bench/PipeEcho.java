package io.jpar.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The floor for a round trip: a JVM that echoes 64-byte messages from stdin to stdout. */
public final class PipeEcho {
  private PipeEcho() {}

  public static void main(String[] args) throws IOException {
    DataInputStream in = new DataInputStream(System.in);
    DataOutputStream out = new DataOutputStream(System.out);
    byte[] msg = new byte[64];
    while (true) {
      try {
        in.readFully(msg);
      } catch (IOException e) {
        return;
      }
      out.write(msg);
      out.flush();
    }
  }
}
