package org.clusterdb.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LessorTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Lessor lessor = new Lessor(now::get);

  private void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void anExpiryCarriesTheRenewalsItsDeadlineCameFrom() {
    lessor.promote(2, Map.of(5L, new Lessor.Granted(1_000L, 3)), 0);
    lessor.refreshed(5, 1_000, 4);
    lessor.refreshed(5, 1_000, 2); // an older renewal reported late changes nothing
    now.addAndGet(1_000_000_000L);
    assertThat(lessor.expired()).containsExactly(new Lessor.Expiry(5, 4));
  }

  @Test
  void aFollowerTracksDeadlinesButExpiresNothing() {
    lessor.refreshed(7, 1_000, 0);
    advance(5_000);

    assertThat(ids(lessor.expired())).isEmpty();
    assertThat(lessor.remainingMillis(7)).hasValue(0);
  }

  @Test
  void aLeaderExpiresALeaseOnceItsTtlPassedSinceTheLastKeepAlive() {
    lessor.promote(3, Map.of(), 500);
    lessor.refreshed(7, 1_000, 0);
    advance(900);
    lessor.refreshed(7, 1_000, 0);
    advance(900);
    assertThat(ids(lessor.expired())).as("kept alive 900 ms ago").isEmpty();
    assertThat(lessor.remainingMillis(7)).hasValue(100);

    advance(100);
    assertThat(ids(lessor.expired())).containsExactly(7L);
    assertThat(ids(lessor.expired()))
        .as("returned once while its revocation is in flight")
        .isEmpty();
  }

  @Test
  void aFailedRevocationIsRetriedAndARevokedLeaseIsForgotten() {
    lessor.promote(3, Map.of(), 0);
    lessor.refreshed(7, 1_000, 0);
    lessor.refreshed(8, 1_000, 0);
    advance(1_000);
    assertThat(ids(lessor.expired())).containsExactlyInAnyOrder(7L, 8L);

    lessor.revokeFailed(7);
    lessor.revoked(8);

    assertThat(ids(lessor.expired())).containsExactly(7L);
    assertThat(lessor.remainingMillis(8)).isEmpty();
    assertThat(lessor.size()).isEqualTo(1);
  }

  @Test
  void promotionGivesEveryLeaseItsTtlPlusTheExtensionFromNow() {
    // Kept alive long ago by this follower's clock: the old leader may have seen later ones.
    lessor.refreshed(7, 1_000, 0);
    advance(10_000);

    lessor.promote(
        4, Map.of(7L, new Lessor.Granted(1_000L, 0), 9L, new Lessor.Granted(2_000L, 0)), 1_000);

    assertThat(lessor.remainingMillis(7)).hasValue(2_000);
    assertThat(lessor.remainingMillis(9)).hasValue(3_000);
    advance(1_999);
    assertThat(ids(lessor.expired())).isEmpty();
    advance(1);
    assertThat(ids(lessor.expired())).containsExactly(7L);
  }

  @Test
  void promotionNeverShortensADeadlineAndForgetsLeasesTheStateNoLongerHolds() {
    lessor.refreshed(7, 60_000, 0);
    lessor.refreshed(8, 1_000, 0);

    lessor.promote(4, Map.of(7L, new Lessor.Granted(1_000L, 0)), 0);

    assertThat(lessor.remainingMillis(7)).hasValue(60_000);
    assertThat(lessor.remainingMillis(8)).isEmpty();
  }

  @Test
  void aDemotedLeaderProposesNothingAndLeadsOnlyTheTermItWasPromotedFor() {
    lessor.promote(5, Map.of(7L, new Lessor.Granted(1_000L, 0)), 0);
    assertThat(lessor.leads(5)).isTrue();
    assertThat(lessor.leads(6)).isFalse();
    advance(1_000);
    assertThat(ids(lessor.expired())).containsExactly(7L);

    lessor.demote();

    assertThat(lessor.leads(5)).isFalse();
    assertThat(ids(lessor.expired())).isEmpty();
    lessor.promote(6, Map.of(7L, new Lessor.Granted(1_000L, 0)), 0);
    assertThat(ids(lessor.expired())).as("extended again on promotion").isEmpty();
  }

  @Test
  void aKeepAliveNeverMovesADeadlineEarlier() {
    lessor.promote(3, Map.of(7L, new Lessor.Granted(10_000L, 0)), 5_000);
    lessor.refreshed(7, 10_000, 0);

    assertThat(lessor.remainingMillis(7)).hasValue(15_000);
  }

  private static java.util.List<Long> ids(java.util.List<Lessor.Expiry> expiries) {
    return expiries.stream().map(Lessor.Expiry::id).toList();
  }
}
