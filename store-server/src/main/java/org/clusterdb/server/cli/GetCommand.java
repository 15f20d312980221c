package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb get TABLE KEY}: exit 1 when the key does not exist. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Read a key (exit code 1 when it does not exist).")
final class GetCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1", paramLabel = "KEY")
  String key;

  @Option(names = "--local", description = "Read the endpoint's replica, without a round trip.")
  boolean local;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterDbClient db = client.connect()) {
      ReadOptions options = local ? ReadOptions.local() : ReadOptions.DEFAULT;
      RangeResult r = db.blocking().range(table, KeyRange.key(Bytes.of(key)), options);
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.rangeResponse(r));
      } else if (r.first().isPresent()) {
        out.line(Output.text(r.first().get().value()));
      } else {
        spec.commandLine().getErr().println("not found: " + table + "/" + key);
      }
      return r.first().isPresent() ? Main.OK : Main.FAILED;
    }
  }
}
