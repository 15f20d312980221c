package org.clusterdb.server.cli;

import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.clusterdb.api.Account;
import org.clusterdb.api.Role;
import org.clusterdb.client.AuthStatus;
import org.clusterdb.client.ClusterDbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clusterdb account add|set|delete|list}: the cluster's client accounts. */
@Command(
    name = "account",
    mixinStandardHelpOptions = true,
    description = {
      "Manage client accounts. Accounts replicate to every peer and survive a factory reset.",
      "Roles: admin (everything) and readonly (reads and watches). Passwords are kept only as"
          + " scrypt hashes; give a new one with --new-password-file, $CLUSTERDB_NEW_PASSWORD, or"
          + " at the prompt."
    })
final class AccountCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an account.")
  int add(
      @Mixin ClientOptions client,
      @Parameters(paramLabel = "NAME", description = "The user name.") String name,
      @Option(
              names = "--role",
              required = true,
              paramLabel = "ROLE",
              description = "admin or readonly.")
          String role,
      @Option(
              names = "--new-password-file",
              paramLabel = "FILE",
              description = "File whose first line is the new password; '-' for standard input.")
          Path passwordFile) {
    Role r = role(role);
    String password = newPassword(passwordFile, true);
    try (ClusterDbClient db = client.connect()) {
      Account a = db.saveAccount(name, r, password);
      new Output(spec.commandLine().getOut(), false)
          .line("Account " + a.name() + " saved, role " + label(a.role()));
    }
    return Main.OK;
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change an account's role, password, or both.")
  int set(
      @Mixin ClientOptions client,
      @Parameters(paramLabel = "NAME", description = "The user name.") String name,
      @Option(names = "--role", paramLabel = "ROLE", description = "admin or readonly.")
          String role,
      @Option(
              names = "--new-password-file",
              paramLabel = "FILE",
              description = "File whose first line is the new password; '-' for standard input.")
          Path passwordFile,
      @Option(names = "--password", description = "Set a new password (prompted if no file).")
          boolean changePassword) {
    if (role == null && passwordFile == null && !changePassword) {
      throw new Main.UsageException("give --role, --password or --new-password-file");
    }
    String password =
        passwordFile != null || changePassword ? newPassword(passwordFile, true) : null;
    try (ClusterDbClient db = client.connect()) {
      Role r = role != null ? role(role) : currentRole(db, name);
      Account a = db.saveAccount(name, r, password);
      new Output(spec.commandLine().getOut(), false)
          .line("Account " + a.name() + " saved, role " + label(a.role()));
    }
    return Main.OK;
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an account.")
  int delete(
      @Mixin ClientOptions client,
      @Parameters(paramLabel = "NAME", description = "The user name.") String name) {
    try (ClusterDbClient db = client.connect()) {
      db.deleteAccount(name);
      new Output(spec.commandLine().getOut(), false).line("Account " + name + " deleted");
    }
    return Main.OK;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts.")
  int list(@Mixin ClientOptions client) {
    try (ClusterDbClient db = client.connect()) {
      AuthStatus s = db.authStatus(true);
      Output out = new Output(spec.commandLine().getOut(), false);
      out.line("Authentication: " + (s.enabled() ? "On" : "Off"));
      for (Account a : s.accounts()) {
        out.line(a.name() + "  " + label(a.role()));
      }
    }
    return Main.OK;
  }

  private static Role currentRole(ClusterDbClient db, String name) {
    return db.authStatus(true).accounts().stream()
        .filter(a -> a.name().equals(name))
        .map(Account::role)
        .findFirst()
        .orElseThrow(() -> new Main.UsageException("no account '" + name + "': use account add"));
  }

  static Role role(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "admin" -> Role.ADMIN;
      case "readonly", "read-only" -> Role.READONLY;
      default ->
          throw new Main.UsageException("--role must be admin or readonly, was '" + text + "'");
    };
  }

  static String label(Role r) {
    return r == Role.ADMIN ? "admin" : "readonly";
  }

  /** From the file, else $CLUSTERDB_NEW_PASSWORD, else the console (asked twice). */
  static String newPassword(Path file, boolean required) {
    if (file != null) {
      return ClientOptions.readPassword(file);
    }
    String env = System.getenv("CLUSTERDB_NEW_PASSWORD");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    Console console = System.console();
    if (console == null) {
      if (required) {
        throw new Main.UsageException(
            "a new password is needed: --new-password-file FILE or $CLUSTERDB_NEW_PASSWORD");
      }
      return null;
    }
    char[] first = console.readPassword("New password: ");
    char[] second = console.readPassword("Again: ");
    try {
      if (first == null || !Arrays.equals(first, second)) {
        throw new Main.UsageException("the passwords differ");
      }
      return new String(first);
    } finally {
      if (first != null) {
        Arrays.fill(first, '\0');
      }
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }
}
