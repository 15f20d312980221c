package org.clusterdb.server.cli;

import java.util.concurrent.Callable;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb scan TABLE [--prefix P | --from K [--to K]] [--limit N]}. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = "List keys of a table in key order.")
final class ScanCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "TABLE")
  String table;

  @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
  String prefix;

  @Option(names = "--from", paramLabel = "KEY", description = "Start at KEY (inclusive).")
  String from;

  @Option(names = "--to", paramLabel = "KEY", description = "Stop before KEY (exclusive).")
  String to;

  @Option(names = "--limit", defaultValue = "0", description = "At most N keys; 0 = all.")
  long limit;

  @Option(names = "--count-only", description = "Print only the number of keys.")
  boolean countOnly;

  @Option(names = "--local", description = "Read the endpoint's replica, without a round trip.")
  boolean local;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (prefix != null && (from != null || to != null)) {
      throw new Main.UsageException("--prefix cannot be combined with --from/--to");
    }
    if (limit < 0) {
      throw new Main.UsageException("--limit must be >= 0");
    }
    KeyRange range;
    if (prefix != null) {
      range = KeyRange.prefix(prefix);
    } else if (to != null) {
      range = KeyRange.between(Bytes.of(from == null ? "" : from), Bytes.of(to));
    } else {
      range = KeyRange.from(Bytes.of(from == null ? "" : from));
    }
    ReadOptions options =
        (local ? ReadOptions.local() : ReadOptions.DEFAULT)
            .withLimit(limit)
            .withCountOnly(countOnly);
    try (ClusterDbClient db = client.connect()) {
      RangeResult r = db.blocking().range(table, range, options);
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.rangeResponse(r));
      } else if (countOnly) {
        out.line(Long.toString(r.count()));
      } else {
        for (KeyValue kv : r.kvs()) {
          out.line(Output.row(kv));
        }
        if (r.more()) {
          out.line("... " + (r.count() - r.kvs().size()) + " more");
        }
      }
    }
    return Main.OK;
  }
}
