package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.clusterdb.core.fsm.ApplierTest.createTable;
import static org.clusterdb.core.fsm.ApplierTest.dropTable;
import static org.clusterdb.core.fsm.ApplierTest.put;
import static org.clusterdb.core.fsm.ApplierTest.putOp;
import static org.clusterdb.core.fsm.ApplierTest.txn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.Event;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LeaseGrant;
import org.clusterdb.proto.log.v1.LeaseKeepAlive;
import org.clusterdb.proto.log.v1.LeaseQuery;
import org.clusterdb.proto.log.v1.LeaseRevoke;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.QueryResult;
import org.clusterdb.proto.log.v1.StoredValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Leases in the apply logic, against a real RocksDB-backed {@link StateStore}. */
@Timeout(30)
class ApplierLeaseTest {
  @TempDir Path dir;

  private StateStore store;
  private final Applier applier = new Applier(new HistoryPolicy(1_000, 1 << 20));

  @BeforeEach
  void open() throws IOException {
    store = StateStore.open(dir.resolve("state"), false);
    apply(createTable("t"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ApplyOutcome apply(LogEntry entry) {
    try (WriteView w = store.write()) {
      ApplyOutcome out = applier.apply(entry, w);
      store.commit(w, null);
      return out;
    }
  }

  private static LogEntry entry(LogEntry.Builder b) {
    return b.setFormatVersion(FormatVersion.FORMAT_VERSION_1).build();
  }

  static LogEntry grant(long id, long ttlMillis) {
    return entry(
        LogEntry.newBuilder()
            .setLeaseGrant(
                LeaseGrant.newBuilder().setId(id).setTtlMillis(ttlMillis).setMemberId("p1")));
  }

  static LogEntry keepAlive(long id) {
    return entry(LogEntry.newBuilder().setLeaseKeepAlive(LeaseKeepAlive.newBuilder().setId(id)));
  }

  static LogEntry revoke(long id) {
    return entry(
        LogEntry.newBuilder().setLeaseRevoke(LeaseRevoke.newBuilder().setId(id).setExpired(true)));
  }

  static Op leasedPut(String table, String key, String value, long lease) {
    Op op = putOp(table, key, value);
    return op.toBuilder().setPut(op.getPut().toBuilder().setLease(lease)).build();
  }

  private StoredValue row(String table, String key) {
    try (ReadView v = store.read()) {
      return v.get(table, key.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }
  }

  private QueryResult status(long id) {
    try (ReadView v = store.read()) {
      return Reader.query(
          Query.newBuilder()
              .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
              .setLease(LeaseQuery.newBuilder().setId(id))
              .build(),
          v);
    }
  }

  private List<String> attached(long id) {
    List<String> keys = new ArrayList<>();
    status(id)
        .getLease()
        .getKeysList()
        .forEach(k -> keys.add(k.getTable() + "/" + k.getKey().toStringUtf8()));
    return keys;
  }

  private int indexRows() {
    int[] n = {0};
    try (ReadView v = store.read()) {
      v.scan(
          TableNames.LEASE_KEYS,
          new byte[0],
          null,
          (k, val) -> {
            n[0]++;
            return true;
          });
    }
    return n[0];
  }

  private ApplyOutcome applyInTerm(LogEntry entry, long term) {
    try (WriteView w = store.write()) {
      ApplyOutcome out = applier.apply(entry, w, term);
      store.commit(w, null);
      return out;
    }
  }

  private static LogEntry expiry(long id, long term, long renewals) {
    return entry(
        LogEntry.newBuilder()
            .setLeaseRevoke(
                LeaseRevoke.newBuilder()
                    .setId(id)
                    .setExpired(true)
                    .setTerm(term)
                    .setRenewals(renewals)));
  }

  /**
   * The chaos suite's find: a leader cut off from the others decides an expiry on its own clock;
   * its member retries the revocation through the new leader, which appends it in its own term.
   */
  @Test
  void anExpiryDecidedInAnotherTermDoesNotApply() {
    apply(grant(9, 4000));
    apply(txn(List.of(), List.of(leasedPut("t", "k", "v", 9))));
    ApplyOutcome stale = applyInTerm(expiry(9, 1, 0), 2);
    assertThat(stale.result().getError().getField()).isEqualTo("lease_revoke.term");
    assertThat(row("t", "k")).isNotNull();
    assertThat(status(9).hasLease()).isTrue();
    // The leader of the term that appends it decides.
    ApplyOutcome ok = applyInTerm(expiry(9, 2, 0), 2);
    assertThat(ok.result().getLease().getDeleted()).isEqualTo(1);
    assertThat(row("t", "k")).isNull();
  }

  @Test
  void anExpiryDoesNotApplyOverAKeepAliveAppliedSinceItWasDecided() {
    apply(grant(9, 4000));
    apply(txn(List.of(), List.of(leasedPut("t", "k", "v", 9))));
    assertThat(applyInTerm(keepAlive(9), 3).result().getLease().getRenewals()).isEqualTo(1);
    // Decided after the first keep-alive; a second was ordered before the revocation.
    assertThat(applyInTerm(keepAlive(9), 3).result().getLease().getRenewals()).isEqualTo(2);
    ApplyOutcome stale = applyInTerm(expiry(9, 3, 1), 3);
    assertThat(stale.result().getError().getField()).isEqualTo("lease_revoke.renewals");
    assertThat(row("t", "k")).isNotNull();
    assertThat(applyInTerm(expiry(9, 3, 2), 3).result().getLease().getDeleted()).isEqualTo(1);
    assertThat(row("t", "k")).isNull();
  }

  @Test
  void anExpiryWrittenBeforeTheChecksAppliesAsItDidThen() {
    apply(grant(9, 4000));
    apply(keepAlive(9));
    assertThat(applyInTerm(revoke(9), 5).result().hasLease()).isTrue();
    assertThat(status(9).hasLease()).isFalse();
  }

  @Test
  void grantingChangesNoRevisionAndTheLeaseCanBeRead() {
    long before = store.revision();

    ApplyOutcome out = apply(grant(42, 5_000));

    assertThat(out.result().getLease().getId()).isEqualTo(42);
    assertThat(out.result().getLease().getTtlMillis()).isEqualTo(5_000);
    assertThat(out.events()).isEmpty();
    assertThat(store.revision()).isEqualTo(before);
    QueryResult status = status(42);
    assertThat(status.getLease().getRecord().getTtlMillis()).isEqualTo(5_000);
    assertThat(status.getLease().getRecord().getMemberId()).isEqualTo("p1");
    assertThat(status.getLease().getKeysList()).isEmpty();
  }

  @Test
  void aGrantOfAnExistingIdIsRefusedAndKeepsTheFirstTtl() {
    apply(grant(42, 5_000));

    ApplyOutcome again = apply(grant(42, 9_000));

    assertThat(again.result().getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.number());
    assertThat(status(42).getLease().getRecord().getTtlMillis()).isEqualTo(5_000);
  }

  @Test
  void revokingDeletesEveryAttachedKeyAtOneRevisionWithDeleteEvents() {
    apply(createTable("u"));
    apply(grant(42, 5_000));
    apply(txn(List.of(), List.of(leasedPut("t", "a", "1", 42), leasedPut("u", "b", "2", 42))));
    apply(put("t", "plain", "3"));
    assertThat(row("t", "a").getLease()).isEqualTo(42);
    assertThat(attached(42)).containsExactly("t/a", "u/b");
    long before = store.revision();

    ApplyOutcome out = apply(revoke(42));

    assertThat(out.revision()).isEqualTo(before + 1);
    assertThat(out.result().getLease().getDeleted()).isEqualTo(2);
    assertThat(out.events())
        .extracting(Event::getType, Event::getTable, e -> e.getKv().getKey().toStringUtf8())
        .containsExactly(tuple(Event.Type.DELETE, "t", "a"), tuple(Event.Type.DELETE, "u", "b"));
    assertThat(out.events())
        .allSatisfy(e -> assertThat(e.getKv().getModRevision()).isEqualTo(before + 1));
    assertThat(row("t", "a")).isNull();
    assertThat(row("u", "b")).isNull();
    assertThat(row("t", "plain")).isNotNull();
    assertThat(status(42).getError().getCode()).isEqualTo(ErrorCode.LEASE_NOT_FOUND.number());
    assertThat(indexRows()).isZero();
  }

  @Test
  void aPutToAMissingLeaseFailsTheWholeTransactionAndChangesNothing() {
    apply(grant(42, 5_000));
    long before = store.revision();

    ApplyOutcome out =
        apply(txn(List.of(), List.of(putOp("t", "a", "1"), leasedPut("t", "b", "2", 43))));

    assertThat(out.result().getError().getCode()).isEqualTo(ErrorCode.LEASE_NOT_FOUND.number());
    assertThat(out.result().getError().getField()).isEqualTo("txn.success[1].put.lease");
    assertThat(store.revision()).isEqualTo(before);
    assertThat(row("t", "a")).isNull();
  }

  @Test
  void aKeyPutAgainWithoutTheLeaseOrDeletedIsNoLongerAttached() {
    apply(grant(42, 5_000));
    apply(
        txn(List.of(), List.of(leasedPut("t", "kept", "1", 42), leasedPut("t", "gone", "1", 42))));
    apply(put("t", "kept", "2"));
    apply(ApplierTest.delete("t", "gone", ""));

    assertThat(row("t", "kept").getLease()).isZero();
    assertThat(attached(42)).isEmpty();
    assertThat(indexRows()).isZero();
    ApplyOutcome out = apply(revoke(42));
    assertThat(out.result().getLease().getDeleted()).isZero();
    assertThat(out.events()).isEmpty();
    assertThat(row("t", "kept").getValue().toStringUtf8()).isEqualTo("2");
  }

  @Test
  void aKeyMovedToAnotherLeaseGoesWithThatLease() {
    apply(grant(42, 5_000));
    apply(grant(43, 5_000));
    apply(txn(List.of(), List.of(leasedPut("t", "a", "1", 42))));
    apply(txn(List.of(), List.of(leasedPut("t", "a", "2", 43))));

    assertThat(apply(revoke(42)).result().getLease().getDeleted()).isZero();
    assertThat(row("t", "a")).isNotNull();
    assertThat(apply(revoke(43)).result().getLease().getDeleted()).isEqualTo(1);
    assertThat(row("t", "a")).isNull();
  }

  @Test
  void aTableDroppedAndCreatedAgainKeepsItsNewKeysWhenTheLeaseEnds() {
    apply(grant(42, 5_000));
    apply(txn(List.of(), List.of(leasedPut("t", "a", "1", 42))));
    apply(dropTable("t"));
    apply(createTable("t"));
    apply(put("t", "a", "new"));

    ApplyOutcome out = apply(revoke(42));

    assertThat(out.result().getLease().getDeleted()).isZero();
    assertThat(row("t", "a").getValue().toStringUtf8()).isEqualTo("new");
    assertThat(indexRows()).isZero();
  }

  @Test
  void keepAliveAndRevokeOfAnUnknownLeaseAreRefused() {
    assertThat(apply(keepAlive(7)).result().getError().getCode())
        .isEqualTo(ErrorCode.LEASE_NOT_FOUND.number());
    assertThat(apply(revoke(7)).result().getError().getCode())
        .isEqualTo(ErrorCode.LEASE_NOT_FOUND.number());
    apply(grant(7, 2_000));
    assertThat(apply(keepAlive(7)).result().getLease().getTtlMillis()).isEqualTo(2_000);
  }

  @Test
  void theValidatorBoundsTtlsAndIds() {
    CommandValidator validator = new CommandValidator(new RequestLimits(16, 32, 4, 1024));

    assertThat(validator.validate(grant(1, 999)))
        .hasValueSatisfying(f -> assertThat(f.getField()).isEqualTo("ttl"));
    assertThat(validator.validate(grant(1, CommandValidator.MAX_LEASE_TTL_MILLIS + 1)))
        .hasValueSatisfying(f -> assertThat(f.getField()).isEqualTo("ttl"));
    assertThat(validator.validate(grant(1, 1_000))).isEmpty();
    assertThat(validator.validate(grant(0, 1_000)))
        .hasValueSatisfying(f -> assertThat(f.getField()).isEqualTo("id"));
    assertThat(validator.validate(keepAlive(-3)))
        .hasValueSatisfying(f -> assertThat(f.getField()).isEqualTo("id"));
    assertThat(validator.validate(txn(List.of(), List.of(leasedPut("t", "k", "v", -1)))))
        .hasValueSatisfying(f -> assertThat(f.getField()).isEqualTo("txn.success[0].put.lease"));
  }
}
