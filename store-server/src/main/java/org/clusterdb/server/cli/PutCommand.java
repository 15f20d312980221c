package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.PutResult;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb put TABLE KEY VALUE}. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Set a key's value.")
final class PutCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1", paramLabel = "KEY")
  String key;

  @Parameters(index = "2", paramLabel = "VALUE")
  String value;

  @picocli.CommandLine.Option(
      names = "--lease",
      paramLabel = "ID",
      description = "Attach the key to this lease: it is deleted when the lease ends.")
  long lease;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterDbClient db = client.connect()) {
      PutResult r = db.blocking().put(table, Bytes.of(key), Bytes.of(value), lease);
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.putResponse(r));
      } else {
        out.line("OK revision=" + r.header().revision());
      }
    }
    return Main.OK;
  }
}
