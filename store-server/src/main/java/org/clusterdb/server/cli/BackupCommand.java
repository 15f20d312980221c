package org.clusterdb.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.backup.Backups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb backup --output FILE}: an online backup of the first endpoint's peer; {@code
 * clusterdb backup verify FILE} checks one.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    subcommands = BackupCommand.Verify.class,
    description = {
      "Take an online, consistent backup of the first endpoint's peer into one file: its cluster"
          + " tables at one log index and its own tables, with a checksum, the software version"
          + " and the cluster id. The peer keeps serving. Sensitive values stay sealed: keep a copy"
          + " of the peer's system.key apart from its backups.",
      "The file is written as FILE.partial, checked whole, then renamed to FILE."
    })
final class BackupCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Where to write the backup; must not exist.")
  Path output;

  @Option(
      names = "--backup-timeout",
      defaultValue = "1h",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  Duration backupTimeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (output == null) {
      throw new Main.UsageException("--output FILE is required");
    }
    if (Files.exists(output)) {
      throw new Main.UsageException("--output " + output + " exists: choose a new file");
    }
    Path partial = output.resolveSibling(output.getFileName() + ".partial");
    PrintWriter err = spec.commandLine().getErr();
    ProgressLine progress = new ProgressLine(err, "backup");
    try (ClusterDbClient db = client.connect();
        OutputStream out =
            Files.newOutputStream(
                partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      db.backup(out, progress::update, backupTimeout);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Backups.Summary s;
    try {
      s = Backups.verify(partial, (d, t) -> {});
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
    new Output(spec.commandLine().getOut(), client.json)
        .line(describe("backup written", output, s));
    return Main.OK;
  }

  static String describe(String what, Path file, Backups.Summary s) {
    return what
        + " file="
        + file
        + " bytes="
        + s.bytes()
        + " cluster="
        + s.clusterName()
        + " peer="
        + s.memberId()
        + " version="
        + s.softwareVersion()
        + " index="
        + s.appliedIndex()
        + " revision="
        + s.revision()
        + " files="
        + s.files();
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check a backup file whole (every checksum, its format) and say what it holds.")
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The backup file.")
    Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Backups.Summary s =
          Backups.verify(file, new ProgressLine(spec.commandLine().getErr(), "verify")::update);
      spec.commandLine().getOut().println(describe("backup verified", file, s));
      return Main.OK;
    }
  }
}
