/**
 * jpar: parallel work on platform threads, virtual threads and worker JVMs behind one {@link io.jpar.Pool}.
 *
 * <p>Exports the API ({@code io.jpar}) and the extension points ({@code io.jpar.spi}); everything in
 * {@code io.jpar.internal.*} stays inside the module. The rules that keep it so (no internal type in a
 * public signature, the core never depending on a backend, the worker's code a leaf) are checked by
 * {@code ArchitectureTest}.
 *
 * <p>On the class path nothing changes. On the module path, worker JVMs get this JVM's module path and
 * {@code --add-modules ALL-MODULE-PATH}, and the tasks' classes travel by name as before: they must be
 * on the class path or the module path of both JVMs. A {@link io.jpar.spi.Codec} is made reflectively,
 * so its package must be exported (at least to {@code io.jpar}).
 *
 * {@snippet :
 * module com.example.render {
 *   requires io.jpar;
 * }
 * }
 *
 * @since 0.3
 */
module io.jpar {
  requires java.management; // thread CPU time (TaskStats, the thread backends)
  requires jdk.management; // com.sun.management: process CPU time (TaskStats), allocated bytes (Meter)
  // Flight Recorder events (io.jpar.internal.jfr). Not 'requires static': the core and the backends
  // load the event classes on every run, so without jdk.jfr resolved they would fail to link; a plain
  // requires makes jlink and the module system include it (it is in every JDK image by default).
  requires jdk.jfr;

  exports io.jpar;
  exports io.jpar.spi;
}
