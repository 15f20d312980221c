package org.clusterdb.bench.systems;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free TCP ports on 127.0.0.1, picked by the kernel. */
public final class Ports {
  private Ports() {}

  /** {@code n} distinct ports free now; all probes are held open until every port is picked. */
  public static List<Integer> free(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
      }
      List<Integer> ports = new ArrayList<>();
      for (ServerSocket s : sockets) {
        ports.add(s.getLocalPort());
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // a probe socket
        }
      }
    }
  }
}
