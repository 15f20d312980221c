package org.clusterdb.server.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.api.v1.ListTablesResponse;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb table create|list|drop}. */
@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    description = "Create, list or drop tables.",
    subcommands = {
      TableCommand.Create.class,
      TableCommand.ListTables.class,
      TableCommand.Drop.class
    })
final class TableCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: create, list or drop");
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a table.")
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME", description = "The table name.")
    String name;

    @Option(
        names = "--scope",
        defaultValue = "CLUSTER",
        description =
            "CLUSTER (replicated to every peer) or PEER (this endpoint's peer only); default"
                + " ${DEFAULT-VALUE}.")
    TableScope scope;

    @Option(
        names = "--sensitive",
        description =
            "Store the table's values encrypted with the cluster's system key (passwords, say):"
                + " never in plain text in the Raft log, the database, snapshots or backups.")
    boolean sensitive;

    @Option(
        names = "--peer-owned-rows",
        description =
            "A cluster table of runtime state each peer publishes (usage, presence): a peer writes"
                + " only the key of its member id and keys under '<id>/', and may while the"
                + " configuration primary is down. Not audited.")
    boolean peerOwnedRows;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (ClusterDbClient db = client.connect()) {
        Table t =
            db.blocking().createTable(name, new TableOptions(scope, sensitive, peerOwnedRows));
        Output out = new Output(spec.commandLine().getOut(), client.json);
        if (out.json()) {
          out.message(WireCodec.table(t));
        } else {
          out.line(
              "created "
                  + (t.sensitive() ? "sensitive " : "")
                  + (t.peerOwnedRows() ? "peer-owned-rows " : "")
                  + t.scope().name().toLowerCase()
                  + " table "
                  + t.name());
        }
      }
      return Main.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tables.")
  static final class ListTables implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Option(names = "--local", description = "Read the endpoint's replica, without a round trip.")
    boolean local;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (ClusterDbClient db = client.connect()) {
        List<Table> tables =
            db.blocking().listTables(local ? Consistency.LOCAL : Consistency.LINEARIZABLE);
        Output out = new Output(spec.commandLine().getOut(), client.json);
        if (out.json()) {
          ListTablesResponse.Builder b = ListTablesResponse.newBuilder();
          tables.forEach(t -> b.addTables(WireCodec.table(t)));
          out.message(b);
        } else {
          for (Table t : tables) {
            out.line(
                t.name()
                    + "\t"
                    + t.scope().name().toLowerCase()
                    + (t.sensitive() ? "\tsensitive" : "")
                    + (t.peerOwnedRows() ? "\tpeer-owned-rows" : ""));
          }
        }
      }
      return Main.OK;
    }
  }

  @Command(name = "drop", mixinStandardHelpOptions = true, description = "Drop a table.")
  static final class Drop implements Callable<Integer> {
    @Mixin ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME", description = "The table name.")
    String name;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (ClusterDbClient db = client.connect()) {
        db.blocking().dropTable(name);
        new Output(spec.commandLine().getOut(), client.json).line("dropped table " + name);
      }
      return Main.OK;
    }
  }
}
