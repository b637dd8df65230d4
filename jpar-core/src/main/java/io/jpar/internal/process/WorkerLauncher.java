package io.jpar.internal.process;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the command line of a worker JVM: this JVM's own {@code java}, class path and module path,
 * the pool's options, and the flags that make a worker fail cleanly (exit on OOM, crash logs out of
 * the working directory). Start-up uses a class-data-sharing archive of the worker's classes that the
 * JVM creates on the first run and reuses after (one per java + class path + options).
 *
 * <p>Where the worker finds jpar: on the class path or the module path, as in this JVM. The main class
 * is always named on its own (not {@code -m}), so a worker keeps the default root modules of a class
 * path application; {@code --add-modules ALL-MODULE-PATH} resolves jpar's module and the caller's when
 * they are on the module path. When jpar was loaded from neither (a plugin class loader, a module
 * layer), its jar or directory is appended to the class path. Every entry is made absolute, since a
 * worker may run in another working directory.
 */
final class WorkerLauncher {
  /**
   * The worker's main class, by name: nothing outside the worker package links to it (the worker's
   * code must stay a leaf that only the worker JVM runs; ArchitectureTest).
   */
  static final String WORKER_MAIN = "io.jpar.internal.process.worker.WorkerMain";

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
    WorkerPaths paths =
        WorkerPaths.of(System.getProperty("java.class.path", ""), s.extraClassPath(), System.getProperty("jdk.module.path", ""),
            jparLocation());
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
      // Arrays of a megabyte and more (big inputs, results, frame payloads) go straight to the old
      // generation: a young collection would otherwise copy each live one at least once more.
      cmd.add("-XX:PretenureSizeThreshold=1m");
    }
    cmd.add("-Xshare:auto");
    // With a module path the JVM rejects a dynamic archive at every start (JDK 25: "optimized module
    // handling disabled because extra module path(s) are specified"), so none is made.
    String archive = paths.modulePath().isEmpty() ? cdsArchive(java, paths.classPath(), s.jvmOptions(), tmp) : null;
    if (archive != null) {
      cmd.add("-XX:+AutoCreateSharedArchive");
      cmd.add("-XX:SharedArchiveFile=" + archive);
      cmd.add("-Xlog:cds=off,cds+dynamic=off"); // a stale or busy archive is not the user's concern
    }
    cmd.addAll(s.jvmOptions());
    cmd.addAll(paths.arguments());
    cmd.add(WORKER_MAIN);
    return List.copyOf(cmd);
  }

  /**
   * The jar or directory jpar was loaded from when a loader other than the application class loader
   * loaded it (so neither path a worker inherits has it); {@code null} when the application class
   * loader did, or when the location is not a plain file.
   */
  private static Path jparLocation() {
    if (WorkerLauncher.class.getClassLoader() == ClassLoader.getSystemClassLoader()) {
      return null;
    }
    try {
      var source = WorkerLauncher.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
        return null; // a nested jar, say: the caller then names jpar's jar with classPath(...)
      }
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }

  /**
   * A worker's class path and module path: this JVM's, absolute, with the pool's extra entries and then
   * jpar's own location (when given and not on either path already) after the class path.
   *
   * @param classPath entries joined by the path separator, or empty
   * @param modulePath entries joined by the path separator, or empty
   */
  record WorkerPaths(String classPath, String modulePath) {
    static WorkerPaths of(String classPath, List<Path> extra, String modulePath, Path jpar) {
      Set<Path> cp = absolute(classPath);
      for (Path e : extra) {
        cp.add(e.toAbsolutePath().normalize());
      }
      Set<Path> mp = absolute(modulePath);
      if (jpar != null) {
        Path self = jpar.toAbsolutePath().normalize();
        if (!mp.contains(self)) {
          cp.add(self);
        }
      }
      return new WorkerPaths(join(cp), join(mp));
    }

    /** {@code -cp} and {@code --module-path} with {@code --add-modules ALL-MODULE-PATH}, as needed. */
    List<String> arguments() {
      List<String> args = new ArrayList<>();
      if (!classPath.isEmpty()) {
        args.add("-cp");
        args.add(classPath);
      }
      if (!modulePath.isEmpty()) {
        args.add("--module-path");
        args.add(modulePath);
        args.add("--add-modules");
        args.add("ALL-MODULE-PATH");
      }
      return args;
    }

    private static Set<Path> absolute(String path) {
      Set<Path> entries = new LinkedHashSet<>();
      for (String e : path.split(File.pathSeparator)) {
        if (!e.isEmpty()) {
          entries.add(Path.of(e).toAbsolutePath().normalize());
        }
      }
      return entries;
    }

    private static String join(Set<Path> entries) {
      return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }
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
