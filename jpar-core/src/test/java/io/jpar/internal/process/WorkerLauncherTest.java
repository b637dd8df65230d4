package io.jpar.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.internal.process.WorkerLauncher.WorkerPaths;
import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerLauncherTest {
  private static final String SEP = File.pathSeparator;

  private static String abs(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  @Test
  void theWorkerMainClassNamedByStringExistsAndHasAMain() throws Exception {
    Method main = Class.forName(WorkerLauncher.WORKER_MAIN).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
  }

  @Test
  void relativeEntriesBecomeAbsoluteSoAWorkerInAnotherDirectoryFindsThem() {
    WorkerPaths paths = WorkerPaths.of("lib/a.jar" + SEP + SEP + "classes", List.of(Path.of("extra")), "mods", null);

    assertThat(paths.classPath()).isEqualTo(abs("lib/a.jar") + SEP + abs("classes") + SEP + abs("extra"));
    assertThat(paths.arguments())
        .containsExactly("-cp", paths.classPath(), "--module-path", abs("mods"), "--add-modules", "ALL-MODULE-PATH");
  }

  @Test
  void jparLoadedFromElsewhereGoesOnTheClassPathUnlessTheModulePathHasIt() {
    assertThat(WorkerPaths.of("app.jar", List.of(), "", Path.of("plugins/jpar-core.jar")).classPath())
        .isEqualTo(abs("app.jar") + SEP + abs("plugins/jpar-core.jar"));
    assertThat(WorkerPaths.of("app.jar", List.of(), "mods/jpar-core.jar", Path.of("mods/jpar-core.jar")).classPath())
        .isEqualTo(abs("app.jar"));
  }

  @Test
  void withoutAModulePathThereIsNoModuleOption() {
    assertThat(WorkerPaths.of("app.jar", List.of(), "", null).arguments()).containsExactly("-cp", abs("app.jar"));
  }
}
