package org.clusterdb.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.clusterdb.chaos.history.EventLog;
import org.clusterdb.chaos.history.EventLog.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-built histories, times in milliseconds; every lease has a TTL of 4 s, the election timeout
 * is 2 s and the slack 2 s. Each rule is shown both holding and broken, often by moving one event
 * by a millisecond.
 */
class LeaseCheckerTest {
  static final LeaseChecker.Bounds BOUNDS =
      new LeaseChecker.Bounds(Duration.ofSeconds(2), Duration.ofSeconds(2));

  @TempDir Path dir;

  /** Lease 1 granted at 0-10 with key k1 attached at 20-30. */
  private static LeaseHistory granted() {
    return new LeaseHistory().grant(1, 4_000, 0, 10).put(1, "k1", "ok", 20, 30);
  }

  /** Kept alive every second until 5 s, then abandoned. */
  private static LeaseHistory keptAliveUntil5s() {
    LeaseHistory h = granted();
    for (long t = 1_000; t <= 5_000; t += 1_000) {
      h.keepAlive(1, "ok", t, t + 10);
    }
    return h.abandon(1, 5_100);
  }

  private static CheckResult check(LeaseHistory h) {
    return LeaseChecker.check(h.build(), BOUNDS);
  }

  @Test
  void keyPresentWhileKeptAliveAndGoneWithinItsBoundIsValid() {
    LeaseHistory h =
        keptAliveUntil5s().reads(2, 100, 9_000, 100, "k1").reads(2, 9_100, 12_000, 100);

    CheckResult r = check(h);

    assertThat(r.checker()).isEqualTo("lease");
    assertThat(r.outcome()).as(r.anomalies().toString()).isEqualTo(Outcome.VALID);
    assertThat(r.stats())
        .containsEntry("leases", 1)
        .containsEntry("keysAttached", 1)
        // The reads from 100 to 8,900 ms end before the last keep-alive's invoke + TTL.
        .containsEntry("readsWhileKeptAlive", 89L)
        .containsEntry("expiryJudged", 1)
        .containsEntry("expiryUnjudgedNoRead", 0)
        // First seen gone by the read ending at 9,105, after the keep-alive answered at 5,010.
        .containsEntry("slowestExpiryMillis", 4_095L);
  }

  @Test
  void keyDeletedWhileKeptAliveIsInvalid() {
    LeaseHistory h = keptAliveUntil5s().reads(2, 100, 6_900, 100, "k1").read(2, 7_000, 7_005);

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .startsWith("key k1 of lease 1 (ttl 4000 ms): read ")
        .endsWith(
            "[7.000s..7.005s] found it absent, but the keep-alive invoked at 5.000s was"
                + " acknowledged: the lease lives until at least 9.000s");
  }

  @Test
  void keyDeletedBeforeTheGrantsTtlRanOutIsInvalid() {
    CheckResult r = check(granted().read(2, 3_990, 3_999));

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .contains("but the grant invoked at 0.000s");
    // A read ending when the TTL since the grant's invoke is up may find the key gone.
    assertThat(check(granted().read(2, 3_990, 4_000)).outcome()).isEqualTo(Outcome.VALID);
  }

  /**
   * The leader measures the TTL from when it applied the keep-alive, which may be long before the
   * client has the answer: the lease is only sure to last TTL from the keep-alive's invoke.
   */
  @Test
  void theTtlCountsFromTheKeepAlivesInvokeNotFromItsAnswer() {
    LeaseHistory slowAnswer = granted().keepAlive(1, "ok", 1_000, 2_500).abandon(1, 2_600);

    assertThat(check(slowAnswer.read(2, 4_990, 5_000)).outcome()).isEqualTo(Outcome.VALID);

    LeaseHistory early = granted().keepAlive(1, "ok", 1_000, 2_500).abandon(1, 2_600);
    assertThat(check(early.read(2, 4_990, 4_999)).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void keepAlivesThatFailedOrTimedOutDoNotKeepALeaseAlive() {
    LeaseHistory failed = granted().keepAlive(1, "fail", 3_000, 3_010).read(2, 4_100, 4_105);
    LeaseHistory timedOut = granted().keepAlive(1, "info", 3_000, 6_000).read(2, 4_100, 4_105);
    LeaseHistory pending = granted().pending("keep-alive", 1, 3_000).read(2, 4_100, 4_105);
    LeaseHistory acknowledged = granted().keepAlive(1, "ok", 3_000, 3_010).read(2, 4_100, 4_105);

    assertThat(check(failed).outcome()).isEqualTo(Outcome.VALID);
    assertThat(check(timedOut).outcome()).isEqualTo(Outcome.VALID);
    assertThat(check(pending).outcome()).isEqualTo(Outcome.VALID);
    assertThat(check(acknowledged).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void aReadThatMayHaveRunBeforeThePutMayMissTheKey() {
    LeaseHistory concurrent =
        new LeaseHistory().grant(1, 4_000, 0, 10).put(1, "k1", "ok", 20, 300).read(2, 100, 200);
    LeaseHistory after =
        new LeaseHistory().grant(1, 4_000, 0, 10).put(1, "k1", "ok", 20, 300).read(2, 400, 410);

    assertThat(check(concurrent).outcome()).isEqualTo(Outcome.VALID);
    assertThat(check(after).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void aKeySeenOnceExistsEvenIfItsPutTimedOut() {
    LeaseHistory h =
        new LeaseHistory()
            .grant(1, 4_000, 0, 10)
            .put(1, "k1", "info", 20, 3_020)
            .read(2, 500, 505, "k1")
            .read(2, 600, 605);

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .contains("[0.600s..0.605s] found it absent");
  }

  /** The lease was gone when the keep-alive applied, or its keys went without it. */
  @Test
  void keepAliveAcknowledgedAfterTheKeyWasSeenGoneIsInvalid() {
    LeaseHistory h =
        granted()
            .reads(2, 100, 3_900, 100, "k1")
            // Gone after the grant's TTL: allowed so far.
            .read(2, 4_100, 4_105)
            .keepAlive(1, "ok", 4_500, 4_510);

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .contains("[4.100s..4.105s] found it absent, but the keep-alive invoked at 4.500s");
  }

  @Test
  void aRevokedLeasesKeyMayGoAtOnceAndMustBeGoneOnceTheRevokeIsAcknowledged() {
    LeaseHistory during =
        granted()
            .keepAlive(1, "ok", 1_000, 1_010)
            .revoke(1, "ok", 2_500, 2_510)
            .read(2, 2_505, 2_508);
    LeaseHistory timedOut =
        granted()
            .keepAlive(1, "ok", 1_000, 1_010)
            .revoke(1, "info", 2_500, 5_500)
            .read(2, 2_505, 2_508);
    LeaseHistory failed =
        granted()
            .keepAlive(1, "ok", 1_000, 1_010)
            .revoke(1, "fail", 2_500, 2_510)
            .read(2, 2_505, 2_508);
    LeaseHistory after =
        granted()
            .keepAlive(1, "ok", 1_000, 1_010)
            .revoke(1, "ok", 2_500, 2_510)
            .read(2, 2_511, 2_515, "k1");

    assertThat(check(during).outcome()).isEqualTo(Outcome.VALID);
    assertThat(check(during).stats()).containsEntry("revoked", 1);
    assertThat(check(timedOut).outcome()).isEqualTo(Outcome.VALID);
    // A revoke that surely did not happen explains nothing.
    assertThat(check(failed).outcome()).isEqualTo(Outcome.INVALID);
    CheckResult r = check(after);
    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .endsWith("found it present after the revoke acknowledged at 2.510s");
  }

  /**
   * Refreshed last at 1,010 ms, term 5 seen from 55 ms: the bound is max(1,010 + 4,000, 55 + 4,000
   * + 2,000) + 2,000 = 8,055 ms. A read invoked then may still find the key; one invoked a
   * millisecond later may not.
   */
  @Test
  void theExpiryBoundIsExact() {
    LeaseHistory atBound =
        granted()
            .read(5, 50, 55, "k1")
            .keepAlive(1, "ok", 1_000, 1_010)
            .abandon(1, 1_100)
            .read(5, 8_055, 8_060, "k1");
    LeaseHistory pastBound =
        granted()
            .read(5, 50, 55, "k1")
            .keepAlive(1, "ok", 1_000, 1_010)
            .abandon(1, 1_100)
            .read(5, 8_056, 8_061, "k1");

    CheckResult valid = check(atBound);
    assertThat(valid.outcome()).isEqualTo(Outcome.VALID);
    // No read was invoked after the bound: nothing could show the key gone.
    assertThat(valid.stats())
        .containsEntry("expiryJudged", 0)
        .containsEntry("expiryUnjudgedNoRead", 1);
    CheckResult r = check(pastBound);
    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .endsWith(
            "[8.056s..8.061s] found it present, after its bound 8.055s (last refresh"
                + " acknowledged at 1.010s, term 5 promoted by 0.055s)");
  }

  /**
   * No quorum from 3 s to 6 s; the leader of term 3 extends the lease to its promotion + TTL +
   * election timeout. The same reads in the old term show a key that outlived its lease.
   */
  @Test
  void aNewLeaderExtendsTheBoundAndTheTermTellsWhichLeaderAnswered() {
    LeaseHistory h =
        granted()
            .keepAlive(1, "ok", 1_000, 1_010)
            .abandon(1, 1_100)
            .reads(2, 100, 2_900, 100, "k1");
    for (long t = 3_000; t < 6_500; t += 500) {
      h.readFailed(t, t + 400);
    }
    LeaseHistory newLeader =
        h.reads(3, 6_500, 14_500, 500, "k1").read(3, 15_000, 15_005).read(3, 15_500, 15_505);

    CheckResult r = check(newLeader);
    assertThat(r.outcome()).as(r.anomalies().toString()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("expiryJudged", 1).containsEntry("terms", 2);

    LeaseHistory sameLeader = granted().keepAlive(1, "ok", 1_000, 1_010).abandon(1, 1_100);
    sameLeader.reads(2, 100, 2_900, 100, "k1").reads(2, 6_500, 14_500, 500, "k1");
    CheckResult stale = check(sameLeader);
    assertThat(stale.outcome()).isEqualTo(Outcome.INVALID);
    // Bound: max(1,010 + 4,000, 105 + 6,000) + 2,000 = 8,105; the first read after it is at 8,500.
    assertThat(stale.anomalies())
        .singleElement()
        .asString()
        .contains("[8.500s..8.505s] found it present");
  }

  @Test
  void aKeySeenGoneBeforeItsBoundIsJudged() {
    LeaseHistory h = keptAliveUntil5s().reads(2, 100, 9_000, 100, "k1").reads(2, 9_100, 9_500, 100);

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("expiryJudged", 1).containsEntry("expiryUnjudgedNoRead", 0);
  }

  @Test
  void aKeySeenGoneNeverComesBack() {
    LeaseHistory h =
        granted().reads(2, 100, 3_900, 100, "k1").read(2, 4_100, 4_105).read(2, 4_106, 4_110, "k1");
    LeaseHistory overlapping =
        granted().reads(2, 100, 3_900, 100, "k1").read(2, 4_100, 4_105).read(2, 4_105, 4_110, "k1");

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(r.anomalies())
        .singleElement()
        .asString()
        .endsWith(
            "[4.106s..4.110s] found it present after a read ending at 4.105s had found it gone");
    // Invoked as the other ended: the two may have taken effect in either order.
    assertThat(check(overlapping).outcome()).isEqualTo(Outcome.VALID);
  }

  @Test
  void aLeaseNoReadReachedAfterItsBoundIsNotBlamed() {
    LeaseHistory h = keptAliveUntil5s().reads(2, 100, 5_000, 100, "k1");
    for (long t = 5_100; t < 20_000; t += 500) {
      h.readFailed(t, t + 400);
    }

    CheckResult r = check(h);

    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("expiryJudged", 0).containsEntry("expiryUnjudgedNoRead", 1);
  }

  /** An indeterminate keep-alive may be applied at any later time: expiry is not judged. */
  @Test
  void aLeaseWithAnIndeterminateKeepAliveIsNotJudgedForExpiry() {
    LeaseHistory timedOut =
        granted()
            .read(2, 50, 55, "k1")
            .keepAlive(1, "info", 1_000, 4_000)
            .abandon(1, 4_100)
            .read(2, 15_000, 15_005, "k1");
    LeaseHistory acknowledged =
        granted()
            .read(2, 50, 55, "k1")
            .keepAlive(1, "ok", 1_000, 1_010)
            .abandon(1, 1_100)
            .read(2, 15_000, 15_005, "k1");

    CheckResult r = check(timedOut);
    assertThat(r.outcome()).isEqualTo(Outcome.VALID);
    assertThat(r.stats()).containsEntry("expiryUnjudgedIndeterminateKeepAlive", 1);
    assertThat(check(acknowledged).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void aKeyNoPutWroteOrWhosePutFailedMustNeverBeRead() {
    CheckResult invented = check(granted().read(2, 100, 105, "k1", "k9"));
    CheckResult failedPut =
        check(
            new LeaseHistory()
                .grant(1, 4_000, 0, 10)
                .put(1, "k1", "fail", 20, 30)
                .grant(2, 4_000, 0, 10)
                .put(2, "k2", "ok", 20, 30)
                .read(2, 100, 105, "k1", "k2"));

    assertThat(invented.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(invented.anomalies())
        .singleElement()
        .asString()
        .endsWith("found key k9, which no put wrote");
    assertThat(failedPut.outcome()).isEqualTo(Outcome.INVALID);
    assertThat(failedPut.anomalies())
        .singleElement()
        .asString()
        .endsWith("found key k1, whose put failed");
  }

  @Test
  void aHistoryWithNoKeyAttachedIsUnknown() {
    CheckResult r =
        check(
            new LeaseHistory()
                .grant(1, 4_000, 0, 10)
                .put(1, "k1", "fail", 20, 30)
                .read(2, 100, 105));

    assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
    assertThat(r.anomalies()).containsExactly("no key was attached to a lease");
  }

  @Test
  void malformedHistoriesAreRejected() {
    Event orphan = new Event("ok", 3, "read", Map.of("keys", List.of(), "term", 1L), 0, 0);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeaseChecker.check(List.of(orphan), BOUNDS))
        .withMessageContaining("matches no invoke");

    List<Event> unknownLease = new LeaseHistory().keepAlive(7, "ok", 0, 10).build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LeaseChecker.check(unknownLease, BOUNDS))
        .withMessageContaining("lease 7, which no ok grant returned");
  }

  /** The checker works from history.jsonl alone, as a run writes it. */
  @Test
  void aHistoryReadBackFromItsFileChecksTheSame() throws Exception {
    List<Event> valid =
        keptAliveUntil5s().reads(2, 100, 9_000, 100, "k1").reads(2, 9_100, 12_000, 100).build();
    List<Event> invalid =
        keptAliveUntil5s().reads(2, 100, 6_900, 100, "k1").read(2, 7_000, 7_005).build();

    for (List<Event> events : List.of(valid, invalid)) {
      Path file = dir.resolve("history.jsonl");
      ObjectMapper json = new ObjectMapper();
      try (BufferedWriter w = Files.newBufferedWriter(file)) {
        for (Event e : events) {
          w.write(json.writeValueAsString(e.toMap()));
          w.newLine();
        }
      }

      CheckResult inMemory = LeaseChecker.check(events, BOUNDS);
      CheckResult offline = LeaseChecker.check(EventLog.readJsonLines(file), BOUNDS);

      assertThat(offline.outcome()).isEqualTo(inMemory.outcome());
      assertThat(offline.anomalies()).isEqualTo(inMemory.anomalies());
      assertThat(offline.stats()).isEqualTo(inMemory.stats());
    }
  }
}
