package org.clusterdb.server.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code clusterdb} command line as a process and captures what it printed. */
record Cli(int exit, String out, String err) {
  static Cli run(String... args) throws IOException, InterruptedException {
    return run(ServerProcesses.cli(args), args);
  }

  /**
   * Runs {@code args}, where the client options ({@code --endpoints=}, {@code --cacert=}, {@code
   * --user=}, {@code --password-file=}) may come first: they are moved after the command.
   */
  static Cli optionsLast(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (String a : args) {
      (a.startsWith("--endpoints=")
                  || a.startsWith("--cacert=")
                  || a.startsWith("--user=")
                  || a.startsWith("--password-file=")
              ? options
              : command)
          .add(a);
    }
    command.addAll(options);
    return run(command.toArray(String[]::new));
  }

  /** {@code head}, then {@code tail}: shared options before a command's own arguments. */
  static String[] concat(String[] head, String... tail) {
    List<String> all = new ArrayList<>(Arrays.asList(head));
    all.addAll(Arrays.asList(tail));
    return all.toArray(String[]::new);
  }

  /** Runs the command line inside {@code namespace} of {@code net}. */
  static Cli runIn(Netns net, String namespace, String... args)
      throws IOException, InterruptedException {
    List<String> command = ServerProcesses.cli(args).command();
    return run(new ProcessBuilder(net.wrap(namespace, command)), args);
  }

  /** Runs the command line against peer {@code peer} of {@code cluster}, its only endpoint. */
  static Cli on(ServerProcesses cluster, int peer, String... args)
      throws IOException, InterruptedException {
    return run(withEndpoint(cluster.peer(peer).clientAddress(), args));
  }

  /** Runs the command line inside {@code namespace} against {@code endpoint} only. */
  static Cli onIn(Netns net, String namespace, String endpoint, String... args)
      throws IOException, InterruptedException {
    return runIn(net, namespace, withEndpoint(endpoint, args));
  }

  private static String[] withEndpoint(String endpoint, String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--endpoints";
    all[args.length + 1] = endpoint;
    return all;
  }

  private static Cli run(ProcessBuilder pb, String... args)
      throws IOException, InterruptedException {
    Process p = pb.start();
    // Small outputs: reading after exit cannot deadlock on a full pipe for these commands.
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("clusterdb did not finish: " + String.join(" ", args));
    }
    return new Cli(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }
}
