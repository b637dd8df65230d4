package io.jpar.internal.process;

import io.jpar.internal.process.worker.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the command line of a worker JVM: this JVM's own {@code java}, class path and module path,
 * the pool's options, and the flags that make a worker fail cleanly (exit on OOM, crash logs out of
 * the working directory). Start-up uses a class-data-sharing archive of the worker's classes that the
 * JVM creates on the first run and reuses after (one per java + class path + options).
 */
final class WorkerLauncher {
  private final ProcessSettings settings;
  private final List<String> baseCommand;

  WorkerLauncher(ProcessSettings settings) {
    this.settings = settings;
    this.baseCommand = buildBase(settings);
  }

  ProcessBuilder builder(int workerId) {
    List<String> cmd = new ArrayList<>(baseCommand);
    cmd.add(cmd.size() - 1, "-Djpar.worker=" + settings.common().name() + "-" + workerId);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(settings.environment());
    if (settings.workingDirectory() != null) {
      pb.directory(settings.workingDirectory().toFile());
    }
    return pb;
  }

  /** The command without the per-worker id; the main class is last. */
  private static List<String> buildBase(ProcessSettings s) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classPath = System.getProperty("java.class.path", "");
    for (Path extra : s.extraClassPath()) {
      classPath = classPath.isEmpty() ? extra.toString() : classPath + File.pathSeparator + extra;
    }
    String modulePath = System.getProperty("jdk.module.path");
    String tmp = System.getProperty("java.io.tmpdir");
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    if (s.workerHeap() != null) {
      cmd.add("-Xmx" + s.workerHeap());
    }
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.add("-XX:ErrorFile=" + tmp + File.separator + "jpar-worker-hs_err-%p.log");
    cmd.add("-XX:-UsePerfData");
    if (s.jvmOptions().stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      // A worker runs one task at a time: the serial collector starts faster, needs less memory and
      // pauses briefly on a worker's small live set. A user who wants another GC names it.
      cmd.add("-XX:+UseSerialGC");
    }
    cmd.add("-Xshare:auto");
    String archive = cdsArchive(java, classPath, s.jvmOptions(), tmp);
    if (archive != null) {
      cmd.add("-XX:+AutoCreateSharedArchive");
      cmd.add("-XX:SharedArchiveFile=" + archive);
      cmd.add("-Xlog:cds=off,cds+dynamic=off"); // a stale or busy archive is not the user's concern
    }
    cmd.addAll(s.jvmOptions());
    if (!classPath.isEmpty()) {
      cmd.add("-cp");
      cmd.add(classPath);
    }
    if (modulePath != null && !modulePath.isEmpty()) {
      cmd.add("--module-path");
      cmd.add(modulePath);
      cmd.add("--add-modules");
      cmd.add("ALL-MODULE-PATH");
    }
    cmd.add(WorkerMain.class.getName());
    return List.copyOf(cmd);
  }

  /**
   * The archive for this java, class path and options; {@code null} when the class path has
   * directories, which the JVM cannot archive (it then fails the dump at exit, prints to stdout and
   * turns the exit code into 1: a worker's exit code would lie).
   */
  private static String cdsArchive(Path java, String classPath, List<String> options, String tmp) {
    if (classPath.isEmpty()) {
      return null;
    }
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
        return null;
      }
    }
    try {
      Path dir = Path.of(tmp, "jpar-cds");
      Files.createDirectories(dir);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((java + "\n" + Runtime.version() + "\n" + classPath + "\n" + options).getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(md.digest(), 0, 12) + ".jsa").toString();
    } catch (IOException | NoSuchAlgorithmException | SecurityException e) {
      return null; // start-up is slower without it, nothing else changes
    }
  }
}
