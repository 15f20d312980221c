package org.clusterdb.core.backup;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.proto.log.v1.BackupFile;
import org.clusterdb.proto.log.v1.BackupManifest;
import org.clusterdb.proto.log.v1.FormatVersion;

/**
 * The backup file: {@code "CDBBACK1"}, the manifest's length (4 bytes, big-endian), the manifest,
 * each listed file's bytes in manifest order, then the SHA-256 of everything before it. Each file
 * also carries its own SHA-256 in the manifest, so a damaged file is named.
 */
public final class BackupArchive {
  static final byte[] MAGIC = "CDBBACK1".getBytes(StandardCharsets.US_ASCII);
  static final int DIGEST_BYTES = 32;

  /** A manifest beyond this is not one we wrote. */
  private static final int MAX_MANIFEST_BYTES = 16 << 20;

  static final Set<String> SECTIONS = Set.of("state", "peer");
  private static final int BUFFER = 1 << 16;

  private BackupArchive() {}

  /** One directory of files that goes into the archive under {@code section}. */
  record Section(String name, Path dir) {}

  /** Called as bytes are written or read: {@code done} of {@code total}. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> {};

    void update(long done, long total);
  }

  /**
   * Lists and digests the files of {@code sections}, then completes {@code header} with them. The
   * files must not change until {@link #write} has copied them (checkpoints do not).
   */
  static BackupManifest manifest(BackupManifest.Builder header, List<Section> sections)
      throws IOException {
    for (Section s : sections) {
      List<Path> files;
      try (Stream<Path> list = Files.list(s.dir())) {
        files = list.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path f : files) {
        header.addFiles(
            BackupFile.newBuilder()
                .setSection(s.name())
                .setName(f.getFileName().toString())
                .setSize(Files.size(f))
                .setSha256(ByteString.copyFrom(sha256(f))));
      }
    }
    return header.setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
  }

  /** The length in bytes of the archive that {@link #write} makes of {@code manifest}. */
  static long length(BackupManifest manifest) {
    long n = MAGIC.length + 4L + manifest.getSerializedSize() + DIGEST_BYTES;
    for (BackupFile f : manifest.getFilesList()) {
      n += f.getSize();
    }
    return n;
  }

  /** Writes the archive of {@code manifest}, reading its files from {@code sections}. */
  static void write(
      BackupManifest manifest, List<Section> sections, OutputStream sink, Progress progress)
      throws IOException {
    long total = length(manifest);
    MessageDigest all = sha256();
    // Not closed: the caller owns the sink.
    BufferedOutputStream buffered = new BufferedOutputStream(sink, BUFFER);
    DigestOutputStream out = new DigestOutputStream(buffered, all);
    out.write(MAGIC);
    byte[] manifestBytes = manifest.toByteArray();
    out.write(ByteBuffer.allocate(4).putInt(manifestBytes.length).array());
    out.write(manifestBytes);
    long done = MAGIC.length + 4L + manifestBytes.length;
    progress.update(done, total);
    byte[] buf = new byte[BUFFER];
    for (BackupFile f : manifest.getFilesList()) {
      Path src = dirOf(sections, f.getSection()).resolve(f.getName());
      long left = f.getSize();
      try (InputStream in = Files.newInputStream(src)) {
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new IOException("file shrank while backing up: " + src);
          }
          out.write(buf, 0, n);
          left -= n;
          done += n;
          progress.update(done, total);
        }
      }
    }
    out.on(false);
    out.write(all.digest());
    out.flush();
    progress.update(total, total);
  }

  /**
   * Reads and checks the archive at {@code file} whole; when {@code target} is given, also writes
   * each section's files into {@code target/<section>/}.
   *
   * @throws ClusterDbException {@link ErrorCode#INVALID_ARGUMENT} naming {@code file} if it is not
   *     a backup, is damaged or truncated, or has a format this build does not read
   */
  public static BackupManifest read(Path file, Path target, Progress progress) throws IOException {
    long total = Files.size(file);
    MessageDigest all = sha256();
    try (DataInputStream in =
        new DataInputStream(
            new DigestInputStream(
                new BufferedInputStream(Files.newInputStream(file), BUFFER), all))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw damaged(file, "not a clusterdb backup (no CDBBACK1 header)");
      }
      int len = in.readInt();
      if (len <= 0 || len > MAX_MANIFEST_BYTES || len > total) {
        throw damaged(file, "manifest length " + len + " is not plausible");
      }
      byte[] manifestBytes = new byte[len];
      readFully(in, manifestBytes, file);
      BackupManifest manifest;
      try {
        manifest = BackupManifest.parseFrom(manifestBytes);
      } catch (InvalidProtocolBufferException e) {
        throw damaged(file, "manifest does not parse");
      }
      if (manifest.getFormatVersion() != FormatVersion.FORMAT_VERSION_1) {
        throw new ClusterDbException(
            ErrorCode.INVALID_ARGUMENT,
            "backup "
                + file
                + " has format "
                + manifest.getFormatVersionValue()
                + "; this build reads format 1",
            "file",
            true,
            null);
      }
      if (length(manifest) != total) {
        throw damaged(
            file, "its length is " + total + " bytes, its manifest says " + length(manifest));
      }
      long done = MAGIC.length + 4L + len;
      byte[] buf = new byte[BUFFER];
      List<Path> written = new ArrayList<>();
      for (BackupFile f : manifest.getFilesList()) {
        OutputStream out = null;
        if (target != null) {
          Path dir = target.resolve(checkedSection(file, f));
          Files.createDirectories(dir);
          Path dst = dir.resolve(checkedName(file, f));
          out = Files.newOutputStream(dst);
          written.add(dst);
        }
        MessageDigest one = sha256();
        long left = f.getSize();
        try (OutputStream o = out) {
          while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
              throw damaged(file, "it ends inside " + f.getSection() + "/" + f.getName());
            }
            one.update(buf, 0, n);
            if (o != null) {
              o.write(buf, 0, n);
            }
            left -= n;
            done += n;
            progress.update(done, total);
          }
        }
        if (!MessageDigest.isEqual(one.digest(), f.getSha256().toByteArray())) {
          throw damaged(file, f.getSection() + "/" + f.getName() + " does not match its checksum");
        }
      }
      byte[] expected = all.digest();
      byte[] trailer = new byte[DIGEST_BYTES];
      readFully(in, trailer, file);
      if (!MessageDigest.isEqual(expected, trailer)) {
        throw damaged(file, "the file's checksum does not match");
      }
      progress.update(total, total);
      return manifest;
    }
  }

  private static String checkedSection(Path file, BackupFile f) {
    if (!SECTIONS.contains(f.getSection())) {
      throw damaged(file, "unknown section '" + f.getSection() + "'");
    }
    return f.getSection();
  }

  /** A file name, never a path: a crafted manifest must not write outside the target. */
  private static String checkedName(Path file, BackupFile f) {
    String n = f.getName();
    if (n.isEmpty() || n.contains("/") || n.contains("\\") || n.equals(".") || n.equals("..")) {
      throw damaged(file, "bad file name '" + n + "'");
    }
    return n;
  }

  private static void readFully(DataInputStream in, byte[] b, Path file) throws IOException {
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw damaged(file, "it is truncated");
    }
  }

  static ClusterDbException damaged(Path file, String why) {
    return new ClusterDbException(
        ErrorCode.INVALID_ARGUMENT, "backup " + file + " is damaged: " + why, "file", true, null);
  }

  private static Path dirOf(List<Section> sections, String name) {
    return sections.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no section " + name))
        .dir();
  }

  private static byte[] sha256(Path f) throws IOException {
    MessageDigest d = sha256();
    byte[] buf = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(f)) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        d.update(buf, 0, n);
      }
    }
    return d.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }
}
