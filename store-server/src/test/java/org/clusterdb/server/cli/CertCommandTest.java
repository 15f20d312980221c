package org.clusterdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.clusterdb.core.security.CertificateAuthority;
import org.clusterdb.core.security.KeyType;
import org.clusterdb.core.security.Pem;
import org.clusterdb.core.security.SubjectNames;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertCommandTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(exit, out.toString(), err.toString());
  }

  private String f(String name) {
    return dir.resolve(name).toString();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @BeforeEach
  void makeCa() {
    assertThat(run("cert", "ca", "--dir", dir.toString()).exit()).isEqualTo(Main.OK);
  }

  /**
   * {@code cert issue} of {@code name}.crt/.key by the CA {@code ca}.crt/.key, for {@code names}.
   */
  private Result issue(String name, String ca, String... names) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "cert",
                "issue",
                "--dir",
                dir.toString(),
                "--name",
                name,
                "--ca-cert",
                f(ca + ".crt"),
                "--ca-key",
                f(ca + ".key")));
    args.addAll(List.of(names));
    return run(args.toArray(String[]::new));
  }

  private Result check(String cert, String ca, String address) {
    return run("cert", "check", "--cert", f(cert), "--ca", f(ca), "--address", address);
  }

  @Test
  void aCaIsWrittenWithAPrivateKeyOnlyItsOwnerReadsAndIsNotOverwrittenUnlessForced()
      throws Exception {
    assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    String before = Files.readString(dir.resolve("ca.crt"));

    Result again = run("cert", "ca", "--dir", dir.toString());
    assertThat(again.exit()).isEqualTo(Main.USAGE);
    assertThat(again.err()).contains("ca.crt exists; give --force to replace it");
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(before);

    assertThat(run("cert", "ca", "--dir", dir.toString(), "--force").exit()).isEqualTo(Main.OK);
    assertThat(Files.readString(dir.resolve("ca.crt"))).isNotEqualTo(before);
  }

  @Test
  void anIssuedPeerCertificateIsValidForItsFqdnAndACommonNameMismatchForAnother() throws Exception {
    Result issued = issue("peer1", "ca", "--dns", "peer1.example.com", "--ip", "127.0.0.1");
    assertThat(issued.exit()).isEqualTo(Main.OK);
    assertThat(issued.out())
        .contains("Subject: CN=peer1.example.com")
        .contains("Subject alternative names: peer1.example.com, 127.0.0.1");
    assertThat(mode(dir.resolve("peer1.key"))).isEqualTo("rw-------");

    Result valid = check("peer1.crt", "ca.crt", "peer1.example.com");
    assertThat(valid.exit()).isEqualTo(Main.OK);
    assertThat(valid.out()).startsWith("Certificate: Valid\n");

    Result mismatch = check("peer1.crt", "ca.crt", "peer2.example.com");
    assertThat(mismatch.exit()).isEqualTo(Main.FAILED);
    assertThat(mismatch.out())
        .startsWith("Certificate: Invalid (Common Name in certificate does not match)\n")
        .contains("peer2.example.com");
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() {
    run("cert", "ca", "--dir", dir.toString(), "--name", "other", "--subject", "other CA");
    issue("peer1", "other", "--dns", "peer1.example.com");

    Result r = check("peer1.crt", "ca.crt", "peer1.example.com");

    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.out()).startsWith("Certificate: Invalid (not trusted)\n");
  }

  @Test
  void anExpiredCertificateIsShownExpired() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    KeyPair keys = KeyType.EC.generate();
    Pem.writeCertificates(
        dir.resolve("old.crt"),
        List.of(
            ca.issue(
                keys.getPublic(),
                SubjectNames.of(List.of("peer1.example.com"), List.of()),
                Duration.ofHours(1),
                Instant.now().minus(Duration.ofHours(3)))));

    Result r = check("old.crt", "ca.crt", "peer1.example.com");

    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.out()).startsWith("Certificate: Invalid (expired)\n");
  }

  @Test
  void aRequestMadeOnThePeerAndSignedByTheCaGivesAValidCertificate() throws Exception {
    Result req =
        run(
            "cert",
            "request",
            "--dir",
            dir.toString(),
            "--name",
            "peer2",
            "--dns",
            "peer2.example.com");
    assertThat(req.exit()).isEqualTo(Main.OK);
    assertThat(Files.readString(dir.resolve("peer2.csr")))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertThat(mode(dir.resolve("peer2.key"))).isEqualTo("rw-------");

    Result signed =
        run(
            "cert",
            "sign",
            "--ca-cert",
            f("ca.crt"),
            "--ca-key",
            f("ca.key"),
            "--csr",
            f("peer2.csr"),
            "--out",
            f("peer2.crt"));
    assertThat(signed.exit()).isEqualTo(Main.OK);
    assertThat(check("peer2.crt", "ca.crt", "peer2.example.com").exit()).isEqualTo(Main.OK);
    // The certificate is for the key the peer made, which never left it.
    assertThat(Pem.readCertificates(dir.resolve("peer2.crt")).get(0).getPublicKey().getEncoded())
        .isEqualTo(Pem.readCsr(dir.resolve("peer2.csr")).getSubjectPublicKeyInfo().getEncoded());
  }

  @Test
  void showPrintsEveryCertificateInTheFile() {
    issue("peer1", "ca", "--dns", "peer1.example.com");

    Result r = run("cert", "show", f("peer1.crt"));

    assertThat(r.exit()).isEqualTo(Main.OK);
    assertThat(r.out())
        .contains("Subject: CN=peer1.example.com\nIssuer: CN=clusterdb CA\n")
        .contains("Subject: CN=clusterdb CA\nIssuer: CN=clusterdb CA\n")
        .contains("CA: no")
        .contains("CA: yes")
        .containsPattern("SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void badInputIsAUsageErrorNamingTheOptionAndWritesNothing() throws Exception {
    Result badName = issue("p", "ca", "--dns", "bad_name", "--ip", "1.2.3");
    assertThat(badName.exit()).isEqualTo(Main.USAGE);
    assertThat(badName.err()).contains("--dns: 'bad_name'").contains("--ip: '1.2.3'");

    Result noName = issue("p", "ca");
    assertThat(noName.exit()).isEqualTo(Main.USAGE);
    assertThat(noName.err()).contains("--dns: give at least one");

    run("cert", "ca", "--dir", dir.toString(), "--name", "other");
    Result wrongKey =
        run(
            "cert",
            "issue",
            "--dir",
            dir.toString(),
            "--name",
            "p",
            "--ca-cert",
            f("ca.crt"),
            "--ca-key",
            f("other.key"),
            "--dns",
            "p.example.com");
    assertThat(wrongKey.exit()).isEqualTo(Main.USAGE);
    assertThat(wrongKey.err()).contains("other.key").contains("not the key of");

    Result days = run("cert", "ca", "--dir", dir.toString(), "--name", "x", "--days", "0");
    assertThat(days.exit()).isEqualTo(Main.USAGE);
    assertThat(days.err()).contains("--days: must be at least 1");

    Result keyType = run("cert", "ca", "--dir", dir.toString(), "--name", "y", "--key-type", "dsa");
    assertThat(keyType.exit()).isEqualTo(Main.USAGE);
    assertThat(keyType.err()).contains("--key-type: 'dsa' is not ec or rsa");

    Result notPem = run("cert", "show", f("ca.key"));
    assertThat(notPem.exit()).isEqualTo(Main.USAGE);
    assertThat(notPem.err()).contains("ca.key").contains("no PEM certificate");

    assertThat(dir.resolve("p.crt")).doesNotExist();
    assertThat(dir.resolve("p.key")).doesNotExist();
    assertThat(dir.resolve("x.crt")).doesNotExist();
    assertThat(dir.resolve("y.key")).doesNotExist();
  }
}
