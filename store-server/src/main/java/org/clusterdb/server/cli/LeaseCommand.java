package org.clusterdb.server.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Lease;
import org.clusterdb.api.LeaseKeeper;
import org.clusterdb.api.LeaseStatus;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb lease grant|keep-alive|revoke|ttl}: leases (see docs/leases.md). */
@Command(
    name = "lease",
    mixinStandardHelpOptions = true,
    description = {
      "Leases: keys written with 'put --lease ID' are deleted, together, when the lease expires"
          + " (its TTL passes without a keep-alive) or is revoked."
    })
final class LeaseCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private Output out(ClientOptions client) {
    return new Output(spec.commandLine().getOut(), client.json);
  }

  @Command(name = "grant", mixinStandardHelpOptions = true, description = "Grant a lease.")
  int grant(
      @Mixin ClientOptions client,
      @Option(
              names = "--ttl",
              required = true,
              paramLabel = "DURATION",
              converter = DurationConverter.class,
              description = "Time to live without a keep-alive, e.g. 10s.")
          Duration ttl) {
    try (ClusterDbClient db = client.connect()) {
      Lease l = db.leases().grant(ttl).join();
      out(client).line("lease " + l.id() + " granted ttl=" + l.ttl().toMillis() + "ms");
    }
    return Main.OK;
  }

  @Command(
      name = "keep-alive",
      mixinStandardHelpOptions = true,
      description = {
        "Start a lease's TTL again. With --forever, keep it alive until interrupted (Ctrl-C) or"
            + " the lease is found gone (exit 1)."
      })
  int keepAlive(
      @Mixin ClientOptions client,
      @Parameters(paramLabel = "ID") long id,
      @Option(names = "--forever", description = "Keep it alive until interrupted.")
          boolean forever)
      throws InterruptedException {
    try (ClusterDbClient db = client.connect()) {
      Lease l = db.leases().keepAlive(id).join();
      Output out = out(client);
      out.line("lease " + l.id() + " kept alive ttl=" + l.ttl().toMillis() + "ms");
      if (!forever) {
        return Main.OK;
      }
      CountDownLatch lost = new CountDownLatch(1);
      try (LeaseKeeper keeper =
          LeaseKeeper.start(
              db.leases(),
              l,
              new LeaseKeeper.Listener() {
                @Override
                public void failed(ClusterDbException e) {
                  spec.commandLine()
                      .getErr()
                      .println("keep-alive failed, retrying: " + e.getMessage());
                }

                @Override
                public void lost(ClusterDbException e) {
                  spec.commandLine().getErr().println("lease " + id + " lost: " + e.getMessage());
                  lost.countDown();
                }
              })) {
        lost.await();
        return Main.FAILED;
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "End a lease and delete its keys.")
  int revoke(@Mixin ClientOptions client, @Parameters(paramLabel = "ID") long id) {
    try (ClusterDbClient db = client.connect()) {
      long revision = db.leases().revoke(id).join();
      out(client).line("lease " + id + " revoked revision=" + revision);
    }
    return Main.OK;
  }

  @Command(
      name = "ttl",
      mixinStandardHelpOptions = true,
      description = "Show a lease's TTL, time left and attached keys.")
  int ttl(@Mixin ClientOptions client, @Parameters(paramLabel = "ID") long id) {
    try (ClusterDbClient db = client.connect()) {
      LeaseStatus s = db.leases().timeToLive(id).join();
      Output out = out(client);
      if (out.json()) {
        out.message(WireCodec.leaseStatus(s));
      } else {
        out.line(
            "lease "
                + s.id()
                + " ttl="
                + s.ttl().toMillis()
                + "ms remaining="
                + s.remaining().toMillis()
                + "ms keys="
                + s.keys().size());
        s.keys().forEach(k -> out.line(k.table() + " " + k.key().toStringUtf8()));
      }
    }
    return Main.OK;
  }
}
