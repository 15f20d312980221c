package org.clusterdb.server.cli;

import java.io.PrintWriter;
import org.clusterdb.api.ClusterDbException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code clusterdb} command line. Exit codes: 0 success, 1 the operation failed, 2 usage or
 * configuration error.
 */
@Command(
    name = "clusterdb",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "An embedded, Raft-replicated configuration store.",
    subcommands = {
      ServerCommand.class,
      LocalClusterCommand.class,
      TableCommand.class,
      PutCommand.class,
      GetCommand.class,
      DelCommand.class,
      ScanCommand.class,
      AuditCommand.class,
      TxnCommand.class,
      WatchCommand.class,
      XStatusCommand.class,
      PrimaryCommand.class,
      XCommandCommand.class,
      ClusteringCommand.class,
      SnapshotCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      PurgeCommand.class,
      RestartCommand.class,
      RollingRestartCommand.class,
      CertCommand.class,
      AccountCommand.class,
      LeaseCommand.class,
      AuthCommand.class,
      ClassArchiveTrainingCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; for tests and {@link #main}. */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /** As {@link #run(String...)}, printing to {@code out} and {@code err} when not null. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UsageException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return USAGE;
          }
          ClusterDbException c = org.clusterdb.api.BlockingKeyValueStore.unwrap(e);
          commandLine
              .getErr()
              .println(
                  "error: "
                      + c.code()
                      + (c.definite() ? "" : " (outcome unknown: the write may have applied)")
                      + ": "
                      + c.getMessage());
          return FAILED;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** A usage or configuration problem found after parsing: exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"clusterdb " + (v == null ? "development build" : v)};
    }
  }
}
