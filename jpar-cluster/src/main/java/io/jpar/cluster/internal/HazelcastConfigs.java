package io.jpar.cluster.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Hazelcast configuration of members and of the pool's client. Community Hazelcast has neither
 * authentication nor TLS, so: members bind to 127.0.0.1 unless told otherwise, join only the addresses
 * given (no multicast, no cloud auto-detection), never phone home, and accept Java deserialization of
 * our own call classes only — everything of the user's travels inside byte arrays we decode ourselves,
 * after the shared secret's MAC is checked.
 */
public final class HazelcastConfigs {
  /** The executor service the calls run on. */
  public static final String EXECUTOR = "jpar";

  private HazelcastConfigs() {}

  /**
   * @param hangTimeout how long a silent member is tolerated before the others drop it (heartbeats)
   */
  public static Config member(String clusterName, String bind, int port, List<String> join, int workers,
      Duration hangTimeout, MemberRuntime runtime, ClassLoader loader) {
    Config c = new Config();
    c.setClusterName(clusterName);
    c.setClassLoader(loader);
    quiet(c.getProperties());
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(Math.max(2, hangTimeout.toSeconds())));
    c.setProperty("hazelcast.shutdownhook.enabled", "false"); // ours stops the local pools first
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(port).setPortAutoIncrement(false);
    n.getInterfaces().setEnabled(true).addInterface(bind);
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcp = j.getTcpIpConfig().setEnabled(true);
    tcp.addMember(bind + ":" + port);
    join.forEach(tcp::addMember);
    // A chunk holds an executor thread while its inputs run on the member's own pool: room for several
    // pools' chunks at once, queued beyond that.
    c.getExecutorConfig(EXECUTOR).setPoolSize(Math.max(16, 4 * (workers + 1))).setStatisticsEnabled(false);
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter());
    ConcurrentHashMap<String, Object> context = new ConcurrentHashMap<>();
    context.put(MemberRuntime.KEY, runtime);
    c.setUserContext(context);
    return c;
  }

  /**
   * @param hangTimeout how long the client waits for a member's heartbeat before it drops the connection,
   *     failing the chunks sent there (which the pool then sends elsewhere)
   */
  public static ClientConfig client(String clusterName, String instanceName, List<String> members,
      Duration connectTimeout, Duration hangTimeout) {
    ClientConfig c = new ClientConfig();
    c.setClusterName(clusterName);
    c.setInstanceName(instanceName);
    quiet(c.getProperties());
    long hang = Math.max(1000, hangTimeout.toMillis());
    c.setProperty("hazelcast.client.heartbeat.timeout", String.valueOf(hang));
    c.setProperty("hazelcast.client.heartbeat.interval", String.valueOf(Math.max(200, hang / 4)));
    c.setProperty("hazelcast.client.shutdownhook.enabled", "false"); // the pool's close shuts it down
    c.getNetworkConfig().setAddresses(members).setSmartRouting(true);
    c.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeout.toMillis())
        .setInitialBackoffMillis(200)
        .setMaxBackoffMillis(1000);
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter());
    return c;
  }

  private static void quiet(java.util.Properties p) {
    p.setProperty("hazelcast.phone.home.enabled", "false");
  }

  /** Hazelcast's own Java deserialization: our call classes and the JDK's basics, nothing else. */
  static JavaSerializationFilterConfig filter() {
    ClassFilter allowed = new ClassFilter().addPrefixes("io.jpar.cluster.", "java.lang.", "java.util.");
    return new JavaSerializationFilterConfig().setWhitelist(allowed);
  }
}
