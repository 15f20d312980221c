package org.clusterdb.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.proto.log.v1.JoinRequest;
import org.junit.jupiter.api.Test;

class AdmissionPolicyTest {
  private static final PeerAddress P1 = new PeerAddress("p1", "10.0.0.1", 7001);
  private static final PeerAddress P2 = new PeerAddress("p2", "10.0.0.2", 7001);
  private static final ClusteringSettings CLUSTER =
      ClusteringSettings.of("c.example.com", 1, List.of(P1, P2));

  private final AdmissionPolicy policy =
      new AdmissionPolicy(
          "1.0",
          "VM",
          Set.of("advanced-networking", "rich-media-sessions=100"),
          Duration.ofMillis(80));

  private JoinRequest.Builder request() {
    return JoinRequest.newBuilder()
        .setMemberId("p2")
        .setHost("10.0.0.2")
        .setPort(7001)
        .setVersion("1.0")
        .setPlatform("VM")
        .addAllOptionKeys(List.of("Advanced-Networking", "rich-media-sessions=20"))
        .setSettings(SettingsCodec.encode(CLUSTER))
        .setRoundTripMicros(2_000);
  }

  private Optional<AdmissionPolicy.Reason> check(JoinRequest.Builder r, List<String> members) {
    return policy
        .check(r.build(), Optional.of(CLUSTER), members)
        .map(AdmissionPolicy.Refusal::reason);
  }

  @Test
  void aPeerThatMatchesIsAdmittedAndExemptLicenceCountsMayDiffer() {
    assertThat(check(request(), List.of("p1"))).isEmpty();
  }

  @Test
  void eachCheckRefusesWithItsOwnReason() {
    assertThat(policy.check(request().build(), Optional.empty(), List.of("p1")))
        .map(AdmissionPolicy.Refusal::reason)
        .contains(AdmissionPolicy.Reason.NO_CLUSTER_SETTINGS);
    assertThat(
            check(
                request()
                    .setSettings(
                        SettingsCodec.encode(
                            ClusteringSettings.of("c.example.com", 1, List.of(P2, P1)))),
                List.of("p1")))
        .contains(AdmissionPolicy.Reason.CONFLICT);
    assertThat(
            check(request().setSettings(SettingsCodec.encode(CLUSTER.withPrimary(2))), List.of()))
        .contains(AdmissionPolicy.Reason.CONFLICT);
    assertThat(check(request().setPort(7002), List.of("p1")))
        .contains(AdmissionPolicy.Reason.CONFLICT);
    assertThat(check(request().setVersion("1.1"), List.of("p1")))
        .contains(AdmissionPolicy.Reason.VERSION);
    assertThat(check(request().setPlatform("Appliance"), List.of("p1")))
        .contains(AdmissionPolicy.Reason.PLATFORM);
    assertThat(check(request().clearOptionKeys().addOptionKeys("rich-media-sessions=5"), List.of()))
        .contains(AdmissionPolicy.Reason.OPTION_KEYS);
    assertThat(check(request().setRoundTripMicros(81_000), List.of("p1")))
        .contains(AdmissionPolicy.Reason.ROUND_TRIP);
    assertThat(check(request(), List.of("a", "b", "c", "d", "e", "f")))
        .contains(AdmissionPolicy.Reason.CLUSTER_FULL);
  }

  @Test
  void aMemberAskingAgainIsNotCountedTwice() {
    assertThat(check(request(), List.of("p1", "p2", "c", "d", "e", "f"))).isEmpty();
  }

  @Test
  void eachRefusalsFieldMapsBackToItsReasonAndAlarm() {
    for (JoinRequest.Builder bad :
        List.of(
            request().setVersion("2"),
            request().setPlatform("x"),
            request().clearOptionKeys(),
            request().setRoundTripMicros(1_000_000),
            request().setHost("10.9.9.9"))) {
      AdmissionPolicy.Refusal r =
          policy.check(bad.build(), Optional.of(CLUSTER), List.of("p1")).orElseThrow();
      assertThat(AdmissionPolicy.Reason.ofField(r.field())).isEqualTo(r.reason());
    }
    assertThat(AdmissionPolicy.Reason.VERSION.alarm()).isEqualTo(AlarmDefinition.JOIN_VERSION);
    assertThat(AdmissionPolicy.Reason.CONFLICT.alarm())
        .isEqualTo(AlarmDefinition.REPLICATION_CONFLICT);
  }

  @Test
  void optionKeysCompareWithoutTheExemptLicences() {
    assertThat(AdmissionPolicy.comparable(List.of("Traversal-Calls=10", "x", "room-registrations")))
        .containsExactly("x");
  }
}
