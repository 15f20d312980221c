package org.clusterdb.core.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM files. Private keys are written as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, what netty
 * reads) into a file created with mode 0600; every file is written beside its target and renamed
 * into place, so a reader never sees half of one.
 */
public final class Pem {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");

  private Pem() {}

  /** Writes {@code chain}, leaf first, readable by all (0644). */
  public static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
    write(file, encode(chain.toArray()), PUBLIC);
  }

  /** Writes {@code key} as PKCS#8, readable by its owner only (0600). */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    write(file, encode(new JcaPKCS8Generator(key, null)), PRIVATE);
  }

  /**
   * Writes {@code secret} as one PEM block of {@code type}, readable by its owner only (0600): for
   * symmetric keys, which PKCS#8 does not hold.
   */
  public static void writeSecret(Path file, String type, byte[] secret) throws IOException {
    write(file, encode(new PemObject(type, secret)), PRIVATE);
  }

  /**
   * The content of the first PEM block of {@code type} in {@code file}.
   *
   * @throws IOException if the file cannot be read or holds no such block
   */
  public static byte[] readSecret(Path file, String type) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PemReader reader = new PemReader(r)) {
      for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
        if (o.getType().equals(type)) {
          return o.getContent();
        }
      }
    }
    throw new IOException(file + ": no PEM block " + type + " in it");
  }

  /** Writes a certificate signing request (0644). */
  public static void writeCsr(Path file, PKCS10CertificationRequest csr) throws IOException {
    write(file, encode(csr), PUBLIC);
  }

  /** The certificates in {@code file}, in file order; at least one. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(file)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          out.add(converter.getCertificate(h));
        } catch (CertificateException e) {
          throw new IOException(file + ": a certificate cannot be decoded: " + e.getMessage(), e);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no PEM certificate (BEGIN CERTIFICATE) in it");
    }
    return out;
  }

  /** The private key in {@code file}: PKCS#8, or the older RSA and EC forms. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : objects(file)) {
      try {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      } catch (PEMException e) {
        throw new IOException(file + ": the private key cannot be decoded: " + e.getMessage(), e);
      }
    }
    throw new IOException(file + ": no unencrypted PEM private key in it");
  }

  /** The certificate signing request in {@code file}. */
  public static PKCS10CertificationRequest readCsr(Path file) throws IOException {
    for (Object o : objects(file)) {
      if (o instanceof PKCS10CertificationRequest csr) {
        return csr;
      }
    }
    throw new IOException(file + ": no PEM certificate request (BEGIN CERTIFICATE REQUEST) in it");
  }

  private static List<Object> objects(Path file) throws IOException {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        out.add(o);
      }
    } catch (IOException e) {
      if (!Files.isReadable(file)) {
        throw e;
      }
      throw new IOException(file + ": not a PEM file: " + e.getMessage(), e);
    }
    return out;
  }

  private static String encode(Object... objects) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      for (Object o : objects) {
        if (o instanceof PemObjectGenerator g) {
          w.writeObject(g);
        } else {
          w.writeObject(o);
        }
      }
    }
    return s.toString();
  }

  private static void write(Path file, String text, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
    try (FileChannel ch =
            FileChannel.open(
                tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attr);
        Writer w = Channels.newWriter(ch, StandardCharsets.US_ASCII)) {
      w.write(text);
      w.flush();
      ch.force(true);
    }
    // The umask may have narrowed the mode; a public file should still be readable by all.
    Files.setPosixFilePermissions(tmp, mode);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
