package org.clusterdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemKeyTest {
  private static final byte[] KEY = "k1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SECRET = "hunter2-secret".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void aSealedValueOpensToItselfAndHoldsNoPlainText() throws Exception {
    SystemKey k = SystemKey.generate();
    byte[] sealed = k.seal("accounts", KEY, SECRET);

    assertThat(sealed).hasSize(SECRET.length + SystemKey.OVERHEAD);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    assertThat(k.open("accounts", KEY, sealed)).isEqualTo(SECRET);
    // A random nonce per value: the same value sealed twice differs.
    assertThat(k.seal("accounts", KEY, SECRET)).isNotEqualTo(sealed);
  }

  @Test
  void aValueMovedToAnotherRowOrTableOrAlteredDoesNotOpen() {
    SystemKey k = SystemKey.generate();
    byte[] sealed = k.seal("accounts", KEY, SECRET);

    assertThatThrownBy(() -> k.open("accounts", "k2".getBytes(StandardCharsets.UTF_8), sealed))
        .isInstanceOf(SystemKey.SealedValueException.class);
    assertThatThrownBy(() -> k.open("other", KEY, sealed))
        .isInstanceOf(SystemKey.SealedValueException.class);
    byte[] altered = sealed.clone();
    altered[altered.length - 1] ^= 1;
    assertThatThrownBy(() -> k.open("accounts", KEY, altered))
        .isInstanceOf(SystemKey.SealedValueException.class)
        .hasMessageContaining("altered");
    assertThatThrownBy(() -> k.open("accounts", KEY, SECRET))
        .isInstanceOf(SystemKey.SealedValueException.class)
        .hasMessageContaining("not a sealed value");
  }

  @Test
  void anotherKeyIsNamedByItsId() {
    SystemKey k = SystemKey.generate();
    SystemKey other = SystemKey.generate();
    byte[] sealed = k.seal("accounts", KEY, SECRET);

    assertThatThrownBy(() -> other.open("accounts", KEY, sealed))
        .isInstanceOfSatisfying(
            SystemKey.SealedValueException.class, e -> assertThat(e.otherKey()).isTrue())
        .hasMessageContaining(k.idHex())
        .hasMessageContaining(other.idHex());
  }

  @Test
  void theKeyFileIsWrittenForItsOwnerOnlyAndReadsBackTheSameKey() throws Exception {
    SystemKey k = SystemKey.generate();
    Path file = dir.resolve("system.key");
    k.write(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN CLUSTERDB SYSTEM KEY-----");
    SystemKey read = SystemKey.read(file);
    assertThat(read.sameAs(k)).isTrue();
    assertThat(read.open("t", KEY, k.seal("t", KEY, SECRET))).isEqualTo(SECRET);
    // Rewritten in place: still 0600, no temporary file left beside it.
    SystemKey.generate().write(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("system.key");
    }
  }

  @Test
  void aKeyWrappedToAnEcOrRsaPeerUnwrapsOnlyWithThatPeersKeyAndContext() throws Exception {
    for (KeyType type : KeyType.values()) {
      SystemKey k = SystemKey.generate();
      KeyPair peer = type.generate();
      byte[] context = "p2".getBytes(StandardCharsets.UTF_8);
      KeyWrap.Wrapped w = KeyWrap.wrap(k, peer.getPublic(), context);

      assertThat(KeyWrap.unwrap(w, peer, context).sameAs(k)).as(type.name()).isTrue();
      assertThat(new String(w.ciphertext(), StandardCharsets.ISO_8859_1))
          .doesNotContain(new String(k.bytes(), StandardCharsets.ISO_8859_1));
      assertThatThrownBy(() -> KeyWrap.unwrap(w, type.generate(), context))
          .as(type.name())
          .isInstanceOf(GeneralSecurityException.class);
      assertThatThrownBy(() -> KeyWrap.unwrap(w, peer, "p3".getBytes(StandardCharsets.UTF_8)))
          .as(type.name())
          .isInstanceOf(GeneralSecurityException.class);
    }
  }
}
