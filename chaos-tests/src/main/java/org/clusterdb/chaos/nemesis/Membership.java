package org.clusterdb.chaos.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.chaos.db.Db;
import org.clusterdb.client.ClusterDbClient;

/**
 * Membership change under load, by the seed's procedures: the admin removes a subordinate's address
 * on the primary (the primary takes it out of the group); to re-add it, the peer is stopped and its
 * database purged, its address is entered on the primary again, in its old place, and it is started
 * with the cluster's settings, joins and is brought up to date.
 */
public final class Membership implements Fault {
  private static final Duration REJOIN = Duration.ofSeconds(90);

  private int removed = -1;

  @Override
  public String name() {
    return "membership";
  }

  @Override
  public Map<String, Object> start(FaultContext ctx) throws Exception {
    int p = ctx.db().primary();
    List<Integer> candidates =
        ctx.allNodes().stream().filter(i -> i != p && ctx.db().isAlive(i)).toList();
    int victim = candidates.get(ctx.random().nextInt(candidates.size()));
    List<PeerAddress> peers = new ArrayList<>(all(ctx.db()));
    peers.remove(victim);
    save(ctx.db(), p, peers);
    removed = victim;
    return Map.of("removed", Db.member(victim), "primary", Db.member(p));
  }

  @Override
  public long holdMillis(java.util.Random random) {
    return 5_000 + random.nextInt(5_000);
  }

  @Override
  public Map<String, Object> heal(FaultContext ctx) throws Exception {
    if (removed < 0) {
      return Map.of();
    }
    int v = removed;
    Db db = ctx.db();
    db.kill(v);
    db.wipe(v);
    db.writeConfig(v);
    save(db, db.primary(), all(db));
    db.start(v);
    removed = -1;
    long started = System.nanoTime();
    boolean rejoined = db.awaitWhole(REJOIN);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readded", Db.member(v));
    out.put("rejoined", rejoined);
    out.put("rejoinMillis", (System.nanoTime() - started) / 1_000_000);
    return out;
  }

  /** Every node's address, in the configuration files' order. */
  static List<PeerAddress> all(Db db) {
    List<PeerAddress> l = new ArrayList<>();
    for (int i = 0; i < db.nodes(); i++) {
      l.add(new PeerAddress(Db.member(i), db.net().address(i), Db.PEER_PORT));
    }
    return l;
  }

  /** Saves {@code peers} as the primary's own list (so the cluster's), keeping it the primary. */
  private static void save(Db db, int primary, List<PeerAddress> peers)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (ClusterDbClient c = db.client(primary, Duration.ofSeconds(10))) {
        var current = c.clusteringSettings();
        ClusteringSettings own = current.own();
        int index = 0;
        for (int i = 0; i < peers.size(); i++) {
          if (peers.get(i).id().equals(Db.member(primary))) {
            index = i + 1;
          }
        }
        c.saveClusteringSettings(current.memberId(), own.withPeers(peers).withPrimary(index));
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not save the peer list on " + Db.member(primary), e);
        }
        Thread.sleep(500);
      }
    }
  }
}
