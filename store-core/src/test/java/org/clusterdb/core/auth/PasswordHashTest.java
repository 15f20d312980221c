package org.clusterdb.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
  @Test
  void aHashVerifiesItsPasswordAndNoOther() {
    String h = PasswordHash.hash("correct horse".toCharArray());
    assertThat(h).startsWith("scrypt$15$8$1$").doesNotContain("correct horse");
    assertThat(PasswordHash.isEncoded(h)).isTrue();
    assertThat(PasswordHash.verify("correct horse".toCharArray(), h)).isTrue();
    assertThat(PasswordHash.verify("correct horsE".toCharArray(), h)).isFalse();
    assertThat(PasswordHash.verify("".toCharArray(), h)).isFalse();
  }

  @Test
  void theSaltMakesEveryHashOfOnePasswordDifferent() {
    String a = PasswordHash.hash("same password".toCharArray());
    String b = PasswordHash.hash("same password".toCharArray());
    assertThat(a).isNotEqualTo(b);
    assertThat(PasswordHash.verify("same password".toCharArray(), b)).isTrue();
  }

  @Test
  void parametersTravelWithTheHash() {
    String cheap = PasswordHash.hash("older params".toCharArray(), 10, 4, 1);
    assertThat(cheap).startsWith("scrypt$10$4$1$");
    assertThat(PasswordHash.verify("older params".toCharArray(), cheap)).isTrue();
  }

  @Test
  void malformedOrCostlyHashesAreRefusedNotRun() {
    assertThat(PasswordHash.isEncoded("plain-text")).isFalse();
    assertThat(PasswordHash.isEncoded("scrypt$15$8$1$!!$AA==")).isFalse();
    // 2^30 would take a member minutes and a gigabyte per check.
    assertThat(PasswordHash.isEncoded("scrypt$30$8$1$AAAA$AAAA")).isFalse();
    assertThat(PasswordHash.verify("x".toCharArray(), "scrypt$30$8$1$AAAA$AAAA")).isFalse();
  }

  @Test
  void passwordLengthIsBounded() {
    assertThat(PasswordHash.problem("short".toCharArray())).isPresent();
    assertThat(PasswordHash.problem("long enough".toCharArray())).isEmpty();
    assertThat(PasswordHash.problem(new char[PasswordHash.MAX_LENGTH + 1])).isPresent();
  }
}
