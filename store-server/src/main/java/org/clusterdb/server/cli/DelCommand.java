package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.DeleteResult;
import org.clusterdb.api.KeyRange;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb del TABLE KEY [--prefix]}. */
@Command(name = "del", mixinStandardHelpOptions = true, description = "Delete a key or a prefix.")
final class DelCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Parameters(index = "1", paramLabel = "KEY")
  String key;

  @Option(names = "--prefix", description = "Delete every key starting with KEY.")
  boolean prefix;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (ClusterDbClient db = client.connect()) {
      KeyRange range = prefix ? KeyRange.prefix(key) : KeyRange.key(Bytes.of(key));
      DeleteResult r = db.blocking().deleteRange(table, range);
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.deleteResponse(r));
      } else {
        out.line("deleted " + r.deleted() + " revision=" + r.header().revision());
      }
    }
    return Main.OK;
  }
}
