package io.jpar.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.Pool;
import io.jpar.PoolMaker;
import io.jpar.PoolSpec;
import io.jpar.Task;
import io.jpar.TaskFailedException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour spec every pool passes, on a cluster pool over three member JVMs on 127.0.0.1, and the
 * cluster's own promises that leave the members running: the handshake, missing classes, bad addresses.
 */
class ClusterPoolTest extends PoolSpec {
  private Members members;

  @BeforeAll
  void startMembers() {
    members = Members.start("spec-" + ProcessHandle.current().pid(), 3);
  }

  @AfterAll
  void stopMembers() {
    if (members != null) {
      members.close();
    }
  }

  @Override
  protected Stream<PoolMaker> backends() {
    return Stream.of(new PoolMaker() {
      @Override
      public Pool pool(Options options) {
        return options.apply(Pool.on(members.pool().backend())).build();
      }

      @Override
      public String toString() {
        return "CLUSTER";
      }
    });
  }

  @Test
  void oneLineConnectsToTheClusterAndSpreadsWorkOverEveryMember() {
    try (Pool pool = ClusterPool.connect(members.connectString()).clusterName(members.clusterName)
        .secret(Members.SECRET).build()) {
      List<String> tags = pool.map(ClusterTasks::tag20, IntStream.range(0, 120).boxed().toList());
      assertThat(tags).hasSize(120);
      for (int i = 0; i < 120; i++) {
        assertThat(tags.get(i)).startsWith(i + "@");
      }
      List<String> pids = members.list().stream().map(m -> "@" + m.pid()).toList();
      assertThat(pids).allMatch(pid -> tags.stream().anyMatch(t -> t.endsWith(pid)));
      assertThat(pool.plan().workers()).isEqualTo(6);
    }
  }

  @Test
  void aPoolWithTheWrongSecretIsRefusedAndTheMembersLogIt() throws Exception {
    assertThatThrownBy(() -> ClusterPool.connect(members.connectString()).clusterName(members.clusterName)
        .secret("not-the-secret").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused the handshake")
        .hasMessageContaining("shared secret");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!members.logs().contains("refused a pool's handshake") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(members.logs()).contains("refused a pool's handshake: its shared secret does not match");
  }

  @Test
  void aTaskWhoseClassTheMembersLackFailsAtOnceNamingTheClassAndTheMember(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("dyn/Cube.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, """
        package dyn;
        public class Cube implements io.jpar.Task<Integer, Integer> {
          public Integer apply(Integer x) { return x * x * x; }
        }
        """);
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-cp", System.getProperty("java.class.path"), "-d", dir.toString(), source.toString());
    assertThat(rc).isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        Pool pool = members.pool().build()) {
      @SuppressWarnings("unchecked")
      Task<Integer, Integer> cube = (Task<Integer, Integer>) loader.loadClass("dyn.Cube").getConstructor().newInstance();
      assertThat(cube.apply(3)).isEqualTo(27); // it works here; the members lack it
      assertThatThrownBy(() -> pool.map(cube, List.of(1, 2, 3)))
          .isInstanceOf(TaskFailedException.class)
          .rootCause()
          .hasMessageContaining("class dyn.Cube is not on the class path of cluster member 127.0.0.1:")
          .hasMessageContaining("--classpath");
      // The pool still works for tasks the members have.
      assertThat(pool.map(ClusterTasks::tag20, List.of(5))).singleElement().asString().startsWith("5@");
    }
  }

  @Test
  void connectingWhereNoMemberListensFailsNamingTheAddress() {
    String nowhere = "127.0.0.1:" + Members.freePort();
    assertThatThrownBy(() -> ClusterPool.connect(nowhere).secret("s").connectTimeout(Duration.ofSeconds(2)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no member of cluster 'jpar' answered at [" + nowhere + "]")
        .hasMessageContaining("jpar worker");
  }

  @Test
  void badSettingsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> ClusterPool.connect("localhost")).hasMessageContaining("'localhost' is not HOST:PORT");
    assertThatThrownBy(() -> ClusterPool.connect("h:99999")).hasMessageContaining("outside 1..65535");
    assertThatThrownBy(() -> ClusterPool.connect("h:1").secret("a").secret("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("secret was already set");
    assertThatThrownBy(() -> ClusterPool.connect("h:1").hangTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("at least 1 s");
  }
}
