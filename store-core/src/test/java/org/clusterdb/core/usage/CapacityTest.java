package org.clusterdb.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.clusterdb.core.usage.Capacity.Model;
import org.junit.jupiter.api.Test;

class CapacityTest {
  /** The seed's table, "capacity based in 4 peers cluster configuration", row by row. */
  @Test
  void fourPeersGiveTheSeedsTableRowForEachPlatform() {
    assertThat(row(Capacity.of(Model.CE1200, 4)))
        .containsExactly(20_000L, 2000L, 4000L, 2000L, 20_000L, 24_000L);
    assertThat(row(Capacity.of(Model.LARGE_VM, 4)))
        .containsExactly(20_000L, 2000L, 4000L, 2000L, 10_000L, 24_000L);
    assertThat(row(Capacity.of(Model.MEDIUM_VM, 4)))
        .containsExactly(10_000L, 400L, 800L, 400L, 10_000L, 7200L);
    Capacity.Figures small = Capacity.of(Model.SMALL_VM, 4);
    assertThat(row(small)).containsExactly(2000L, 40L, 40L, 75L, 200L, 1800L);
    assertThat(small.mraVideoCalls()).isEqualTo(20);
  }

  @Test
  void capacityGrowsWithPeersUpToFourAndNoFurther() {
    for (Model m : List.of(Model.CE1200, Model.LARGE_VM, Model.MEDIUM_VM)) {
      Capacity.Figures four = Capacity.of(m, 4);
      for (int peers = 1; peers <= 6; peers++) {
        Capacity.Figures f = Capacity.of(m, peers);
        int counted = Math.min(peers, 4);
        assertThat(f.counted()).isEqualTo(counted);
        assertThat(f.registrations()).isEqualTo(four.registrations() / 4 * counted);
        assertThat(f.videoCalls()).isEqualTo(four.videoCalls() / 4 * counted);
        assertThat(f.audioCalls()).isEqualTo(four.audioCalls() / 4 * counted);
        assertThat(f.rms()).isEqualTo(four.rms() / 4 * counted);
        assertThat(f.mraRegistrations()).isEqualTo(four.mraRegistrations() / 4 * counted);
        assertThat(f.turnRelays()).isEqualTo(four.turnRelays() / 4 * counted);
      }
    }
    // One Large VM peer: a quarter of the table; six peers: the table, as four.
    assertThat(row(Capacity.of(Model.LARGE_VM, 1)))
        .containsExactly(5000L, 500L, 1000L, 500L, 2500L, 6000L);
    assertThat(row(Capacity.of(Model.LARGE_VM, 6))).isEqualTo(row(Capacity.of(Model.LARGE_VM, 4)));
  }

  @Test
  void aSmallVmClusterGainsNoCapacityFromPeers() {
    for (int peers = 1; peers <= 6; peers++) {
      Capacity.Figures f = Capacity.of(Model.SMALL_VM, peers);
      assertThat(f.counted()).isEqualTo(1);
      assertThat(row(f)).containsExactly(2000L, 40L, 40L, 75L, 200L, 1800L);
    }
  }

  @Test
  void aVideoCallTakesTheSlotsOfTheAudioCallsItDisplaces() {
    assertThat(Capacity.slots(Model.LARGE_VM, Capacity.AUDIO_CALLS)).isEqualTo(1);
    assertThat(Capacity.slots(Model.LARGE_VM, Capacity.VIDEO_CALLS)).isEqualTo(2);
    assertThat(Capacity.slots(Model.MEDIUM_VM, Capacity.VIDEO_CALLS)).isEqualTo(2);
    // Small VM: 40 video or 40 audio, and MRA video counts twice.
    assertThat(Capacity.slots(Model.SMALL_VM, Capacity.VIDEO_CALLS)).isEqualTo(1);
    assertThat(Capacity.slots(Model.SMALL_VM, Capacity.MRA_VIDEO_CALLS)).isEqualTo(2);
  }

  @Test
  void platformsAreNamedAsTheApplianceNamesThemInAnyCase() {
    assertThat(Model.of("Large VM")).contains(Model.LARGE_VM);
    assertThat(Model.of("large-vm")).contains(Model.LARGE_VM);
    assertThat(Model.of("MEDIUM_VM")).contains(Model.MEDIUM_VM);
    assertThat(Model.of("ce1200")).contains(Model.CE1200);
    assertThat(Model.of("VM")).isEmpty();
    assertThat(Model.of("Appliance")).isEmpty();
    assertThatThrownBy(() -> Capacity.of(Model.CE1200, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peers");
  }

  private static List<Long> row(Capacity.Figures f) {
    return List.of(
        f.registrations(),
        f.videoCalls(),
        f.audioCalls(),
        f.rms(),
        f.mraRegistrations(),
        f.turnRelays());
  }
}
