package org.clusterdb.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.clusterdb.core.usage.Capacity.Model;
import org.clusterdb.proto.log.v1.UsageRecord;
import org.junit.jupiter.api.Test;

class PoolsTest {
  private static UsageRecord row(String id, Map<String, Long> licenses, Map<String, Long> used) {
    return UsageRecord.newBuilder()
        .setMemberId(id)
        .setPlatform("Large VM")
        .putAllLicenses(licenses)
        .putAllCounters(used)
        .build();
  }

  @Test
  void pooledLicencesAreReadFromOptionKeysAndOthersIgnored() {
    assertThat(
            Licenses.pooled(
                Set.of(
                    "rich-media-sessions=250",
                    "room-registrations=100",
                    "desktop-registrations",
                    "expressway-series",
                    "advanced-networking")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "rich-media-sessions", 250L,
                "room-registrations", 100L,
                "desktop-registrations", 1L));
    assertThatThrownBy(() -> Licenses.pooled(Set.of("rich-media-sessions=many")))
        .hasMessageContaining("rich-media-sessions=many");
    assertThatThrownBy(() -> Licenses.pooled(Set.of("room-registrations=-1")))
        .hasMessageContaining(">= 0");
  }

  @Test
  void aConfigWithABadLicenceCountIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                org.clusterdb.core.config.ClusterDbConfig.builder()
                    .clusterName("c.example.com")
                    .memberId("p1")
                    .peers(List.of(new org.clusterdb.api.PeerAddress("p1", "127.0.0.1", 7001)))
                    .dataDir(java.nio.file.Path.of("/tmp/unused"))
                    .optionKeys(Set.of("rich-media-sessions=many"))
                    .build())
        .hasMessageContaining("optionKeys: 'rich-media-sessions=many'");
  }

  @Test
  void licencesAddUpAcrossPeersAndBoundAdmission() {
    List<UsageRecord> rows =
        List.of(
            row("p1", Map.of("rich-media-sessions", 3L), Map.of("rms", 2L)),
            row("p2", Map.of("rich-media-sessions", 4L), Map.of("rms", 4L)));
    assertThat(Pools.licenses(rows)).containsEntry("rich-media-sessions", 7L);
    assertThat(Pools.totals(rows)).containsEntry("rms", 6L);
    assertThat(Pools.check("rms", 1, rows, Optional.empty()).admitted()).isTrue();
    Pools.Verdict two = Pools.check("rms", 2, rows, Optional.of(Model.LARGE_VM));
    assertThat(two.admitted()).isFalse();
    assertThat(two.used()).isEqualTo(6);
    assertThat(two.limit()).isEqualTo(7);
    assertThat(Pools.remaining("rms", rows, Optional.of(Model.LARGE_VM))).isEqualTo(1);
  }

  @Test
  void registrationsNeedLicencesEvenWhenNoPeerHasAny() {
    List<UsageRecord> rows = List.of(row("p1", Map.of(), Map.of()));
    Pools.Verdict v = Pools.check("registrations", 1, rows, Optional.of(Model.LARGE_VM));
    assertThat(v.admitted()).isFalse();
    assertThat(v.limit()).isZero();
  }

  @Test
  void capacityBoundsWhatLicencesWouldAllow() {
    // Two Large VM peers: 2 x 2500 MRA registrations, not licensed.
    List<UsageRecord> rows =
        List.of(
            row("p1", Map.of(), Map.of("mra-registrations", 2500L)),
            row("p2", Map.of(), Map.of("mra-registrations", 2499L)));
    assertThat(Pools.check("mra-registrations", 1, rows, Optional.of(Model.LARGE_VM)).admitted())
        .isTrue();
    Pools.Verdict v = Pools.check("mra-registrations", 2, rows, Optional.of(Model.LARGE_VM));
    assertThat(v.admitted()).isFalse();
    assertThat(v.limit()).isEqualTo(5000);
    // Without a platform in the table, nothing bounds an unlicensed kind.
    assertThat(Pools.check("mra-registrations", 100_000, rows, Optional.empty()).admitted())
        .isTrue();
  }

  @Test
  void videoAndAudioCallsShareTheCallSlots() {
    // One Medium VM peer: 100 video or 200 audio.
    List<UsageRecord> rows =
        List.of(row("p1", Map.of(), Map.of("video-calls", 60L, "audio-calls", 70L)));
    // 60 video take 120 slots, with 70 audio 190 of 200: five more video calls would need 10.
    assertThat(Pools.check("video-calls", 5, rows, Optional.of(Model.MEDIUM_VM)).admitted())
        .isTrue();
    assertThat(Pools.check("video-calls", 6, rows, Optional.of(Model.MEDIUM_VM)).admitted())
        .isFalse();
    assertThat(Pools.check("audio-calls", 10, rows, Optional.of(Model.MEDIUM_VM)).admitted())
        .isTrue();
    assertThat(Pools.remaining("video-calls", rows, Optional.of(Model.MEDIUM_VM))).isEqualTo(5);
    assertThat(Pools.remaining("audio-calls", rows, Optional.of(Model.MEDIUM_VM))).isEqualTo(10);
  }

  @Test
  void callLicencesBoundCallsOnlyWhereTheClusterHasThem() {
    List<UsageRecord> rows =
        List.of(
            row("p1", Map.of("traversal-calls", 2L), Map.of("audio-calls", 1L)),
            row("p2", Map.of("non-traversal-calls", 1L), Map.of("video-calls", 1L)));
    Pools.Verdict v = Pools.check("audio-calls", 2, rows, Optional.of(Model.LARGE_VM));
    assertThat(v.admitted()).isFalse();
    assertThat(v.limit()).isEqualTo(3);
    assertThat(Pools.check("audio-calls", 1, rows, Optional.of(Model.LARGE_VM)).admitted())
        .isTrue();
  }
}
