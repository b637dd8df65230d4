package io.jpar.cli;

import io.jpar.cluster.ClusterMember;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jpar worker}: runs a cluster member (Hazelcast) that jpar pools on other machines send work to,
 * with {@code ClusterPool.connect(...)} or {@code jpar csv --cluster}. Its options are the member's own
 * ({@link ClusterMember}); it runs until stopped.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = {
    "Run a cluster member: pools connect with ClusterPool.connect(\"HOST:PORT,...\") or jpar csv --cluster, and it runs their tasks.",
    "Community Hazelcast has no TLS and no authentication of its own: run members on trusted networks only.",
    "Tasks run at least once (a chunk of a member that dies runs again elsewhere); each result is delivered once."},
    footer = {"", "Examples:",
      "  JPAR_CLUSTER_SECRET=s3cret jpar worker --port 5701",
      "  JPAR_CLUSTER_SECRET=s3cret jpar worker --port 5702 --join 127.0.0.1:5701 --isolated"})
final class WorkerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "5701", description = "The port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--join", paramLabel = "HOST:PORT,...", description = "Members to join (default: none yet).")
  String join;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind;

  @Option(names = "--cluster-name", defaultValue = "jpar", description = "The cluster's name (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--secret", description = "The shared secret pools must hold (default: $JPAR_CLUSTER_SECRET).")
  String secret;

  @Option(names = "--workers", description = "Tasks run at once here (default: the number of cores).")
  Integer workers;

  @Option(names = "--isolated", description = "Run tasks in worker processes: a task that crashes kills a worker, not the member.")
  boolean isolated;

  @Option(names = "--classpath", paramLabel = "PATH", split = ",",
      description = "Jars or directories holding the task classes.")
  List<Path> classPath;

  @Option(names = "--hang-timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Seconds without a heartbeat before a member is dropped and its work runs elsewhere (default: ${DEFAULT-VALUE}).")
  int hangTimeout;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", bind,
        "--cluster-name", clusterName, "--hang-timeout", String.valueOf(hangTimeout)));
    if (join != null) {
      args.addAll(List.of("--join", join));
    }
    if (secret != null) {
      args.addAll(List.of("--secret", secret));
    }
    if (workers != null) {
      args.addAll(List.of("--workers", String.valueOf(workers)));
    }
    if (isolated) {
      args.add("--isolated");
    }
    if (classPath != null && !classPath.isEmpty()) {
      args.addAll(List.of("--classpath", String.join(",", classPath.stream().map(Path::toString).toList())));
    }
    return ClusterMember.run(args.toArray(String[]::new));
  }
}
