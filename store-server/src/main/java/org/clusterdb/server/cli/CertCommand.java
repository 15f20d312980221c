package org.clusterdb.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.CertificateCheck;
import org.clusterdb.core.security.CertificateInfo;
import org.clusterdb.core.security.CertificateStatus;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb cert}: the certificates of a cluster's intra-cluster TLS. Offline: no command
 * here talks to a cluster. Private keys are written at mode 0600; existing files are kept unless
 * {@code --force}.
 */
@Command(
    name = "cert",
    mixinStandardHelpOptions = true,
    description = "Create a CA, issue or request peer certificates, show and check certificates.",
    subcommands = {
      CertCommand.Ca.class,
      CertCommand.Issue.class,
      CertCommand.Request.class,
      CertCommand.Sign.class,
      CertCommand.Show.class,
      CertCommand.Check.class
    })
final class CertCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: ca, issue, request, sign, show or check");
  }

  /** Where the commands that make a key write it and its certificate or request. */
  static final class KeyFiles {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "Directory to write into (default: the current one).")
    Path dir;

    @Option(
        names = "--force",
        description = "Replace files that exist already; without it they are kept and it fails.")
    boolean force;

    @Option(
        names = "--key-type",
        paramLabel = "ec|rsa",
        defaultValue = "ec",
        description = "Key type: ec (P-256) or rsa (2048 bits); default ${DEFAULT-VALUE}.")
    String keyType;

    KeyType keyType() {
      return switch (keyType.toLowerCase(java.util.Locale.ROOT)) {
        case "ec" -> KeyType.EC;
        case "rsa" -> KeyType.RSA;
        default -> throw new Main.UsageException("--key-type: '" + keyType + "' is not ec or rsa");
      };
    }

    /** The files, after checking none exists unless {@code --force}. */
    List<Path> files(String... names) {
      List<Path> out = new ArrayList<>();
      for (String n : names) {
        Path p = dir.resolve(n);
        if (!force && Files.exists(p)) {
          throw new Main.UsageException(p + " exists; give --force to replace it");
        }
        out.add(p);
      }
      return out;
    }
  }

  /** Options naming what a certificate is for. */
  static final class Names {
    @Option(
        names = "--dns",
        paramLabel = "FQDN",
        description = "A DNS name for the certificate (repeatable); the peer's FQDN.")
    List<String> dns = new ArrayList<>();

    @Option(
        names = "--ip",
        paramLabel = "ADDRESS",
        description = "An IP address for the certificate (repeatable), if peers dial it.")
    List<String> ip = new ArrayList<>();

    @Option(
        names = "--cn",
        paramLabel = "NAME",
        description = "Subject common name (default: the first --dns, else the first --ip).")
    String cn;

    SubjectNames names() {
      try {
        return cn == null ? SubjectNames.of(dns, ip) : new SubjectNames(cn, dns, ip);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException(e.getMessage().replaceAll("(^|; )(\\w+):", "$1--$2:"));
      }
    }
  }

  /** Options naming a CA's files. */
  static final class CaFiles {
    @Option(
        names = "--ca-cert",
        required = true,
        paramLabel = "FILE",
        description = "CA certificate.")
    Path cert;

    @Option(
        names = "--ca-key",
        required = true,
        paramLabel = "FILE",
        description = "CA private key.")
    Path key;

    CertificateAuthority load() {
      try {
        return CertificateAuthority.load(cert, key);
      } catch (IOException e) {
        throw new Main.UsageException(e.getMessage());
      }
    }
  }

  /** Prints what was written, the key last (it is the file that must stay private). */
  static int wrote(CommandLine.Model.CommandSpec spec, List<Path> files, List<String> details) {
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + files.get(0) + " and " + files.get(1) + " (mode 0600)");
    details.forEach(out::println);
    out.flush();
    return Main.OK;
  }

  static Duration days(int days) {
    if (days < 1) {
      throw new Main.UsageException("--days: must be at least 1, was " + days);
    }
    return Duration.ofDays(days);
  }

  @Command(
      name = "ca",
      mixinStandardHelpOptions = true,
      description = "Create a certificate authority: <name>.crt and <name>.key.")
  static final class Ca implements Callable<Integer> {
    @CommandLine.Mixin KeyFiles output;

    @Option(
        names = "--name",
        defaultValue = "ca",
        description = "File name stem (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
        names = "--subject",
        defaultValue = "clusterdb CA",
        description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String subject;

    @Option(
        names = "--days",
        defaultValue = "3650",
        description = "Days of validity (default: ${DEFAULT-VALUE}).")
    int days;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Duration validity = days(days);
      List<Path> files = output.files(name + ".crt", name + ".key");
      CertificateAuthority ca =
          CertificateAuthority.create(subject, validity, output.keyType(), Instant.now());
      ca.write(files.get(0), files.get(1));
      return wrote(spec, files, List.of());
    }
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description =
          "Make a peer key and a certificate for it signed by the CA: <name>.key and <name>.crt"
              + " (the certificate, then the CA's).")
  static final class Issue implements Callable<Integer> {
    @CommandLine.Mixin KeyFiles output;
    @CommandLine.Mixin Names names;
    @CommandLine.Mixin CaFiles ca;

    @Option(names = "--name", required = true, description = "File name stem, e.g. the peer's.")
    String name;

    @Option(
        names = "--days",
        defaultValue = "825",
        description = "Days of validity (default: ${DEFAULT-VALUE}).")
    int days;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Duration validity = days(days);
      SubjectNames subject = names.names();
      CertificateAuthority authority = ca.load();
      List<Path> files = output.files(name + ".crt", name + ".key");
      KeyPair keys = output.keyType().generate();
      X509Certificate cert = authority.issue(keys.getPublic(), subject, validity, Instant.now());
      Pem.writePrivateKey(files.get(1), keys.getPrivate());
      Pem.writeCertificates(files.get(0), List.of(cert, authority.certificate()));
      return wrote(spec, files, CertificateInfo.of(cert).lines());
    }
  }

  @Command(
      name = "request",
      aliases = "csr",
      mixinStandardHelpOptions = true,
      description =
          "Make a peer key and a certificate signing request for an external CA: <name>.key and"
              + " <name>.csr.")
  static final class Request implements Callable<Integer> {
    @CommandLine.Mixin KeyFiles output;
    @CommandLine.Mixin Names names;

    @Option(names = "--name", required = true, description = "File name stem, e.g. the peer's.")
    String name;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      SubjectNames subject = names.names();
      List<Path> files = output.files(name + ".csr", name + ".key");
      KeyPair keys = output.keyType().generate();
      Pem.writePrivateKey(files.get(1), keys.getPrivate());
      Pem.writeCsr(files.get(0), CertificateAuthority.request(keys, subject));
      return wrote(spec, files, List.of());
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description =
          "Sign a certificate signing request with the CA, for the names it asks for; the key"
              + " never leaves the peer that made it.")
  static final class Sign implements Callable<Integer> {
    @CommandLine.Mixin CaFiles ca;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The request.")
    Path csr;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Where to write the certificate (then the CA's).")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(
        names = "--days",
        defaultValue = "825",
        description = "Days of validity (default: ${DEFAULT-VALUE}).")
    int days;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Duration validity = days(days);
      if (!force && Files.exists(out)) {
        throw new Main.UsageException(out + " exists; give --force to replace it");
      }
      CertificateAuthority authority = ca.load();
      X509Certificate cert;
      try {
        cert = authority.sign(Pem.readCsr(csr), validity, Instant.now());
      } catch (IOException | IllegalArgumentException e) {
        throw new Main.UsageException(e.getMessage());
      }
      Pem.writeCertificates(out, List.of(cert, authority.certificate()));
      PrintWriter w = spec.commandLine().getOut();
      w.println("wrote " + out);
      CertificateInfo.of(cert).lines().forEach(w::println);
      w.flush();
      return Main.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show each certificate in a PEM file: subject, names, issuer, validity.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A PEM file of one or more certificates.")
    Path file;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<X509Certificate> chain;
      try {
        chain = Pem.readCertificates(file);
      } catch (IOException e) {
        throw new Main.UsageException(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      for (int i = 0; i < chain.size(); i++) {
        if (i > 0) {
          out.println();
        }
        CertificateInfo.of(chain.get(i)).lines().forEach(out::println);
      }
      out.flush();
      return Main.OK;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check a peer's certificate as a peer in Enforce mode would: it must chain to a trusted"
              + " CA, be within its validity and name the peer's address. Exit 0 when valid, 1"
              + " when not.")
  static final class Check implements Callable<Integer> {
    @Option(
        names = "--cert",
        required = true,
        paramLabel = "FILE",
        description = "The peer's certificate file (its certificate first).")
    Path cert;

    @Option(
        names = "--ca",
        required = true,
        paramLabel = "FILE",
        description = "A trusted CA certificate file (repeatable).")
    List<Path> cas;

    @Option(
        names = "--address",
        required = true,
        paramLabel = "HOST",
        description = "The peer address configured for it: its FQDN (or IP address).")
    String address;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      List<X509Certificate> chain;
      List<X509Certificate> trusted = new ArrayList<>();
      try {
        chain = Pem.readCertificates(cert);
        for (Path ca : cas) {
          trusted.addAll(Pem.readCertificates(ca));
        }
      } catch (IOException e) {
        throw new Main.UsageException(e.getMessage());
      }
      CertificateCheck c = CertificateCheck.of(chain, trusted, address, Instant.now());
      PrintWriter out = spec.commandLine().getOut();
      out.println(c.status().display());
      out.println("Detail: " + c.detail());
      out.flush();
      return c.status() == CertificateStatus.VALID ? Main.OK : Main.FAILED;
    }
  }
}
