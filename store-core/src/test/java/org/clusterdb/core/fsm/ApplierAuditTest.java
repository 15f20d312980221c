package org.clusterdb.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.clusterdb.core.fsm.ApplierTest.createTable;
import static org.clusterdb.core.fsm.ApplierTest.delete;
import static org.clusterdb.core.fsm.ApplierTest.put;
import static org.clusterdb.core.fsm.ApplierTest.putOp;
import static org.clusterdb.core.fsm.ApplierTest.txn;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.core.storage.ReadView;
import org.clusterdb.core.storage.StateStore;
import org.clusterdb.core.storage.WriteView;
import org.clusterdb.proto.log.v1.AccountRole;
import org.clusterdb.proto.log.v1.AuditContext;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.Batch;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.PutAccount;
import org.clusterdb.proto.log.v1.RequestId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit rows the apply logic writes beside each audited change, on a real store. */
@Timeout(60)
class ApplierAuditTest {
  private static final HistoryPolicy HISTORY = new HistoryPolicy(1_000, 1 << 20);
  private static final AuditContext ALICE = context("alice");

  @TempDir Path dir;

  private StateStore store;
  private Applier applier;

  @BeforeEach
  void open() throws IOException {
    store = StateStore.open(dir.resolve("a"), false);
    applier = new Applier(HISTORY);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void entriesWithoutAContextWriteNoRowsAsEntriesFromBeforeTheAuditDo() {
    apply(store, applier, createTable("t"));
    apply(store, applier, put("t", "k", "v"));

    assertThat(rows(store)).isEmpty();
    try (ReadView v = store.read()) {
      assertThat(v.table(TableNames.AUDIT)).isEmpty();
    }
  }

  @Test
  void eachEntryOfABatchIsAuditedWithItsOwnContextAtItsOwnRevision() {
    apply(store, applier, audited(createTable("t"), ALICE));
    LogEntry batch =
        LogEntry.newBuilder()
            .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
            .setBatch(
                Batch.newBuilder()
                    .addEntries(audited(put("t", "a", "1"), ALICE))
                    .addEntries(put("t", "b", "internal"))
                    .addEntries(audited(put("t", "a", "2"), context("bob"))))
            .build();
    try (WriteView w = store.write()) {
      applier.applyBatch(batch.getBatch(), w, 0);
      store.commit(w, null);
    }

    List<AuditRecord> rows = rows(store);
    assertThat(rows)
        .extracting(
            r -> r.getContext().getUser(),
            AuditRecord::getRevision,
            r -> r.getKey().toStringUtf8(),
            r -> r.hasOldValue() ? r.getOldValue().toStringUtf8() : null,
            r -> r.getNewValue().toStringUtf8())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("alice", 1L, "", null, ""),
            org.assertj.core.groups.Tuple.tuple("alice", 2L, "a", null, "1"),
            org.assertj.core.groups.Tuple.tuple("bob", 4L, "a", "1", "2"));
  }

  @Test
  void aCommandThatChangesNothingOrFailsOrRepeatsARequestWritesNoRows() {
    apply(store, applier, audited(createTable("t"), ALICE));
    int before = rows(store).size();

    apply(
        store,
        applier,
        audited(
            txn(
                List.of(
                    Compare.newBuilder()
                        .setTable("t")
                        .setKey(ByteString.copyFromUtf8("k"))
                        .setTarget(Compare.Target.EXISTS)
                        .setResult(Compare.Result.EQUAL)
                        .setExists(true)
                        .build()),
                List.of(putOp("t", "k", "v"))),
            ALICE));
    apply(store, applier, audited(put("missing", "k", "v"), ALICE));
    apply(store, applier, audited(delete("t", "nothing", ""), ALICE));
    LogEntry once =
        audited(put("t", "k", "v"), ALICE).toBuilder()
            .setRequestId(
                RequestId.newBuilder().setClientId(ByteString.copyFromUtf8("c")).setSeq(1))
            .build();
    apply(store, applier, once);
    apply(store, applier, once);

    assertThat(rows(store)).hasSize(before + 1);
  }

  @Test
  void theOldestRowsArePrunedToTheRetentionAlikeOnTwoStores() throws IOException {
    try (StateStore other = StateStore.open(dir.resolve("b"), false)) {
      List<StateStore> stores = List.of(store, other);
      for (StateStore s : stores) {
        Applier small = new Applier(HISTORY, Applier.DEDUP_WINDOW, TableNames.AUDIT, 5);
        apply(s, small, audited(createTable("t"), ALICE));
        for (int i = 0; i < 4; i++) {
          apply(
              s,
              small,
              audited(
                  txn(List.of(), List.of(putOp("t", "a" + i, "v"), putOp("t", "b" + i, "v"))),
                  ALICE));
        }
      }
      List<AuditRecord> rows = rows(store);
      assertThat(rows)
          .extracting(r -> r.getKey().toStringUtf8())
          .containsExactly("b1", "a2", "b2", "a3", "b3");
      assertThat(rows(other)).isEqualTo(rows);
      try (ReadView a = store.read();
          ReadView b = other.read()) {
        assertThat(a.auditNext()).isEqualTo(9);
        assertThat(StateDigest.of(a)).isEqualTo(StateDigest.of(b));
      }
    }
  }

  @Test
  void aWideDeleteWritesAtMostTheRowsOfOneCommandAndSaysHowManyItLeftOut() {
    apply(store, applier, createTable("t"));
    int keys = Applier.AUDIT_ROWS_PER_COMMAND + 5;
    for (int i = 0; i < keys; i += 100) {
      List<Op> ops = new ArrayList<>();
      for (int k = i; k < Math.min(keys, i + 100); k++) {
        ops.add(putOp("t", String.format("k%05d", k), "v"));
      }
      apply(store, applier, txn(List.of(), ops));
    }

    apply(store, applier, audited(delete("t", "k", "l"), ALICE));

    List<AuditRecord> rows = rows(store);
    assertThat(rows).hasSize(Applier.AUDIT_ROWS_PER_COMMAND);
    assertThat(rows.get(rows.size() - 1).getMore()).isEqualTo(5);
    assertThat(rows.get(0).getMore()).isZero();
  }

  @Test
  void longValuesAreCutAndAnAccountShowsItsRoleButNeverItsPasswordHash() {
    apply(store, applier, audited(createTable("t"), ALICE));
    String big = "x".repeat(3000);
    apply(store, applier, audited(put("t", "k", big), ALICE));
    String hash = "scrypt$16384$8$1$c2FsdA$aGFzaGhhc2hoYXNo";
    apply(
        store,
        applier,
        audited(
            LogEntry.newBuilder()
                .setFormatVersion(FormatVersion.FORMAT_VERSION_1)
                .setPutAccount(
                    PutAccount.newBuilder()
                        .setName("bob")
                        .setRole(AccountRole.ACCOUNT_ROLE_ADMIN)
                        .setPasswordHash(hash))
                .build(),
            ALICE));

    List<AuditRecord> rows = rows(store);
    AuditRecord cut = rows.get(1);
    assertThat(cut.getNewValue().size()).isEqualTo(AuditTrail.VALUE_BYTES);
    assertThat(cut.getNewSize()).isEqualTo(3000);
    AuditRecord account = rows.get(2);
    assertThat(account.getTable()).isEqualTo(TableNames.ACCOUNTS);
    assertThat(account.getNewValue().toStringUtf8()).isEqualTo("role=admin password=set");
    assertThat(account.toByteString().toStringUtf8()).doesNotContain(hash);
  }

  private static AuditContext context(String user) {
    return AuditContext.newBuilder()
        .setUser(user)
        .setSourceIp("192.0.2.7")
        .setSourcePort(40000)
        .setTimeMillis(1_600_000_000_000L)
        .setMemberId("p1")
        .build();
  }

  private static LogEntry audited(LogEntry entry, AuditContext context) {
    return entry.toBuilder().setAudit(context).build();
  }

  private static void apply(StateStore store, Applier applier, LogEntry entry) {
    try (WriteView w = store.write()) {
      applier.apply(entry, w);
      store.commit(w, null);
    }
  }

  private static List<AuditRecord> rows(StateStore store) {
    List<AuditRecord> out = new ArrayList<>();
    try (ReadView v = store.read()) {
      if (v.table(TableNames.AUDIT).isEmpty()) {
        return out;
      }
      v.scan(
          TableNames.AUDIT,
          new byte[0],
          null,
          (key, value) -> {
            try {
              out.add(AuditRecord.parseFrom(value.getValue()));
            } catch (InvalidProtocolBufferException e) {
              throw new AssertionError(e);
            }
            return true;
          });
    }
    return out;
  }
}
