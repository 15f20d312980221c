package org.clusterdb.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectNamesTest {
  @Test
  void everyBadNameIsReportedNamingItsField() {
    assertThatThrownBy(
            () ->
                new SubjectNames("cn", List.of("bad_name.example", "-x.example"), List.of("1.2.3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dns: 'bad_name.example'")
        .hasMessageContaining("dns: '-x.example'")
        .hasMessageContaining("ip: '1.2.3'");
  }

  @Test
  void aCertificateMustNameSomething() {
    assertThatThrownBy(() -> SubjectNames.of(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cn: required")
        .hasMessageContaining("dns: give at least one");
  }

  @Test
  void anIpAddressIsNotTakenForADnsNameNorIsANameLookedUp() {
    assertThat(SubjectNames.isDnsName("10.0.0.1")).isFalse();
    assertThat(SubjectNames.parseIp("localhost")).isNull();
    assertThat(SubjectNames.parseIp("256.1.1.1")).isNull();
    assertThat(SubjectNames.parseIp("[::1]")).isNotNull();
    assertThat(SubjectNames.isDnsName("*.cluster.example.com")).isTrue();
  }

  @Test
  void theCommonNameDefaultsToTheFirstName() {
    assertThat(SubjectNames.of(List.of("a.example", "b.example"), List.of()).commonName())
        .isEqualTo("a.example");
    assertThat(SubjectNames.of(List.of(), List.of("10.0.0.1")).commonName()).isEqualTo("10.0.0.1");
  }
}
