package org.clusterdb.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Watch;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.WatchResponse;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb watch TABLE}: prints each change until Ctrl-C or {@code --count} events. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Print changes of a table as they commit (survives a peer crash).")
final class WatchCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix;

  @Option(
      names = "--from-revision",
      defaultValue = "0",
      paramLabel = "R",
      description = "Replay changes from revision R on (default: only new changes).")
  long fromRevision;

  @Option(
      names = "--count",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N events (default: run until interrupted).")
  int count;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (fromRevision < 0 || count < 0) {
      throw new Main.UsageException("--from-revision and --count must be >= 0");
    }
    Output out = new Output(spec.commandLine().getOut(), client.json);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    AtomicReference<ClusterDbException> failure = new AtomicReference<>();
    WatchRequest request =
        new WatchRequest(table, prefix == null ? Bytes.EMPTY : Bytes.of(prefix), fromRevision);
    try (ClusterDbClient db = client.connect();
        Watch w =
            db.watch(
                request,
                new WatchListener() {
                  @Override
                  public void onEvents(long revision, List<WatchEvent> events) {
                    if (out.json()) {
                      WatchResponse.Builder b = WatchResponse.newBuilder();
                      events.forEach(e -> b.addEvents(WireCodec.event(e)));
                      out.message(b);
                    }
                    for (WatchEvent e : events) {
                      if (!out.json()) {
                        out.line(
                            e.type()
                                + " "
                                + e.table()
                                + " "
                                + (e.type() == WatchEvent.Type.PUT
                                    ? Output.row(e.kv())
                                    : Output.text(e.kv().key()) + "  (mod=" + revision + ")"));
                      }
                      if (count > 0 && seen.incrementAndGet() >= count) {
                        done.countDown();
                      }
                    }
                  }

                  @Override
                  public void onError(ClusterDbException e) {
                    failure.set(e);
                    done.countDown();
                  }
                })) {
      done.await();
      if (failure.get() != null) {
        throw failure.get();
      }
    }
    return Main.OK;
  }
}
