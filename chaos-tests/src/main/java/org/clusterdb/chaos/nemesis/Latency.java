package org.clusterdb.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.chaos.net.Network;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.core.throttle.DelayThrottler;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * Latency between the nodes, without netem (this kernel has none): a user-space TCP proxy per node
 * in this process (the client namespace) delays both directions; every node's new connections to
 * another node's peer port are redirected to that node's proxy (DNAT), and established ones are
 * reset so that they reconnect through it. Healed by removing the redirects and closing the
 * proxies, whose connections then reconnect directly.
 */
public final class Latency implements Fault {
  private static final int PROXY_PORT_BASE = 18_000;
  private static final long RESET_MILLIS = 300;

  private NioReactor reactor;
  private final List<TcpCrusher> proxies = new ArrayList<>();

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) throws Exception {
    long delay = new long[] {20, 60, 150}[ctx.random().nextInt(3)];
    long jitter = delay / 2;
    Network net = ctx.db().net();
    int n = ctx.db().nodes();
    reactor = new NioReactor();
    for (int t = 0; t < n; t++) {
      proxies.add(
          TcpCrusherBuilder.builder()
              .withReactor(reactor)
              .withBindAddress(net.clientAddress(), PROXY_PORT_BASE + t)
              .withConnectAddress(net.address(t), Db.PEER_PORT)
              .withTcpNoDelay(true)
              .withIncomingThrottlerFactory(
                  a -> new DelayThrottler(delay, jitter, TimeUnit.MILLISECONDS))
              .withOutgoingThrottlerFactory(
                  a -> new DelayThrottler(delay, jitter, TimeUnit.MILLISECONDS))
              .buildAndOpen());
    }
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < n; t++) {
        if (i != t) {
          net.redirect(i, t, Db.PEER_PORT, net.clientAddress(), PROXY_PORT_BASE + t);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          net.resetConnections(i, j);
        }
      }
    }
    Thread.sleep(RESET_MILLIS);
    for (int i = 0; i < n; i++) {
      net.iptables(i, "-F", "INPUT");
    }
    return Map.of("delayMillis", delay, "jitterMillis", jitter);
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) {
    ctx.db().net().clearAllRules();
    int proxied = proxies.stream().mapToInt(TcpCrusher::getClientTotalCount).sum();
    for (TcpCrusher p : proxies) {
      p.close();
    }
    proxies.clear();
    if (reactor != null) {
      reactor.close();
      reactor = null;
    }
    return Map.of("proxiedConnections", proxied);
  }
}
