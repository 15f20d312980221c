package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.api.Role;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.core.audit.AuditLog;
import org.clusterdb.core.audit.Origin;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.AuditRecord.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The audit of configuration changes on three real members: every change writes rows with its old
 * and new values, the caller and its address, identical on every member; each member logs the
 * seed's "System Configuration Changed" line as it applies; a sensitive table's values are masked
 * in both; and the table keeps a fixed count of rows, pruned alike everywhere.
 */
@Timeout(180)
class AuditTest {
  private static final Origin ALICE = new Origin("alice", "10.1.2.3", 53155);
  private static final String SECRET = "Sekr3t-Audit-QWXZ";

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger auditLogger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);

  @BeforeEach
  void capture() {
    lines.start();
    auditLogger.addAppender(lines);
  }

  @AfterEach
  void release() {
    auditLogger.detachAppender(lines);
  }

  @Test
  void everyChangeIsAuditedWithOldAndNewValuesAndItsCallerIdenticallyOnEveryMember() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      var alice = db.as(ALICE);
      alice.createTable("zones", TableOptions.of(TableScope.CLUSTER)).join();
      alice.put("zones", Bytes.of("edge"), Bytes.of("v1")).join();
      alice.put("zones", Bytes.of("edge"), Bytes.of("v2")).join();
      alice
          .txn(
              Txn.of(
                  Op.put("zones", Bytes.of("dmz"), Bytes.of("d1")),
                  Op.delete("zones", KeyRange.key(Bytes.of("edge")))))
          .join();
      db.blocking().put("zones", "lib", "x");
      alice.dropTable("zones").join();
      cluster.awaitConverged();

      List<AuditRecord> all = rows(cluster.member(0));
      List<AuditRecord> rows = all.stream().filter(r -> r.getTable().equals("zones")).toList();
      assertThat(rows)
          .extracting(r -> r.getAction(), AuditTest::key, AuditTest::old, AuditTest::now)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Action.CREATE_TABLE, "", null, null),
              org.assertj.core.groups.Tuple.tuple(Action.PUT, "edge", null, "v1"),
              org.assertj.core.groups.Tuple.tuple(Action.PUT, "edge", "v1", "v2"),
              org.assertj.core.groups.Tuple.tuple(Action.PUT, "dmz", null, "d1"),
              org.assertj.core.groups.Tuple.tuple(Action.DELETE, "edge", "v2", null),
              org.assertj.core.groups.Tuple.tuple(Action.PUT, "lib", null, "x"),
              org.assertj.core.groups.Tuple.tuple(Action.DROP_TABLE, "", null, null));
      assertThat(all)
          .as("the cluster's first clustering settings, one row per field that is set")
          .filteredOn(r -> r.getTable().equals(TableNames.CLUSTER))
          .extracting(AuditTest::key, AuditTest::now, r -> r.getContext().getUser())
          .contains(
              org.assertj.core.groups.Tuple.tuple("settings.name", "mini.cluster.test", "system"),
              org.assertj.core.groups.Tuple.tuple("settings.primary", "1", "system"));
      AuditRecord put = rows.get(1);
      assertThat(put.getTable()).isEqualTo("zones");
      assertThat(put.getContext().getUser()).isEqualTo("alice");
      assertThat(put.getContext().getSourceIp()).isEqualTo("10.1.2.3");
      assertThat(put.getContext().getSourcePort()).isEqualTo(53155);
      assertThat(put.getContext().getTimeMillis()).isPositive();
      assertThat(rows.get(5).getContext().getUser()).as("a library call").isEqualTo("local");
      assertThat(rows.get(3).getRevision()).isEqualTo(rows.get(4).getRevision());
      assertThat(rows.get(4).getOp()).isEqualTo(1);
      for (int i = 1; i < 3; i++) {
        assertThat(rows(cluster.member(i))).as("member %d", i).isEqualTo(all);
      }

      for (String member : List.of("p1", "p2", "p3")) {
        assertThat(messages())
            .as("lines logged on %s", member)
            .contains(
                "Event=\"System Configuration Changed\" Detail=\"xconfiguration zones edge -"
                    + " changed from: 'v1' to: 'v2'\" User=\"alice\" Src-ip=\"10.1.2.3\""
                    + " Src-port=\"53155\" Member=\""
                    + member
                    + "\" Revision=\""
                    + rows.get(2).getRevision()
                    + "\"")
            .anyMatch(
                l ->
                    l.contains("changed from: 'v2' to: (none)")
                        && l.contains("Member=\"" + member + "\""))
            .anyMatch(
                l ->
                    l.contains("Detail=\"xconfiguration zones - table dropped\"")
                        && l.contains("Member=\"" + member + "\""));
      }
    }
  }

  @Test
  void anAdminsClusteringChangeIsAuditedWithItsCallerOnThePeerAndInTheCluster() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb primary = cluster.member(cluster.awaitLeader());
      assertThat(primary.config().memberId()).isEqualTo("p1");
      ClusteringSettings mapped = mapped(primary.clusteringSettings());
      primary.saveClusteringSettings(mapped, false, ALICE).join();

      assertThat(rows(primary, TableNames.PEER_AUDIT))
          .as("the primary's own settings, one row per changed field")
          .filteredOn(r -> r.getTable().equals(TableNames.PEER_SETTINGS))
          .extracting(AuditTest::key, AuditTest::old, r -> r.getContext().getUser())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("own.address_mapping", "false", "alice"),
              org.assertj.core.groups.Tuple.tuple("own.mappings", "", "alice"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(rows(primary))
                      .as("and, as they become the cluster's, the cluster's audit")
                      .filteredOn(r -> r.getTable().equals(TableNames.CLUSTER))
                      .filteredOn(r -> key(r).equals("settings.mappings"))
                      .singleElement()
                      .satisfies(
                          r -> {
                            assertThat(now(r)).contains("edge.example.test", "127.0.0.9");
                            assertThat(r.getContext().getUser()).isEqualTo("alice");
                            assertThat(r.getContext().getSourceIp()).isEqualTo("10.1.2.3");
                          }));
      int clusterRows = rows(primary).size();

      // The admin repeats the change on a subordinate, as the seed's procedure has it.
      ClusterDb p2 = cluster.member(1);
      p2.saveClusteringSettings(mapped(p2.clusteringSettings()), false, ALICE).join();
      assertThat(rows(p2, TableNames.PEER_AUDIT))
          .filteredOn(r -> r.getTable().equals(TableNames.PEER_SETTINGS))
          .extracting(AuditTest::key, r -> r.getContext().getSourcePort())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("own.address_mapping", 53155),
              org.assertj.core.groups.Tuple.tuple("own.mappings", 53155));
      // Saved again unchanged: nothing new.
      primary.saveClusteringSettings(mapped, false, ALICE).join();
      primary.setPrimary(1, ALICE).join();
      assertThat(rows(primary, TableNames.PEER_AUDIT))
          .filteredOn(r -> r.getTable().equals(TableNames.PEER_SETTINGS))
          .hasSize(2);
      cluster.awaitConverged();
      assertThat(rows(primary)).hasSize(clusterRows);
      assertThat(messages())
          .anyMatch(
              l ->
                  l.contains(
                          "Detail=\"xconfiguration clusterdb.settings own.address_mapping -"
                              + " changed from: 'false' to: 'true'\" User=\"alice\"")
                      && l.contains("Member=\"p2\""));
    }
  }

  @Test
  void concurrentWritesBatchedIntoOneLogEntryKeepEachCallersContext() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      List<CompletableFuture<PutResult>> writes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Origin who = new Origin("user" + (i % 7), "10.0.0." + (i % 7), 40_000 + i);
        writes.add(db.as(who).put("zones", Bytes.of("k" + i), Bytes.of("v" + i)));
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      cluster.awaitConverged();

      List<AuditRecord> puts =
          rows(db).stream()
              .filter(r -> r.getAction() == Action.PUT && r.getTable().equals("zones"))
              .toList();
      assertThat(puts).hasSize(200);
      for (AuditRecord r : puts) {
        int i = Integer.parseInt(key(r).substring(1));
        assertThat(r.getContext().getUser()).isEqualTo("user" + (i % 7));
        assertThat(r.getContext().getSourceIp()).isEqualTo("10.0.0." + (i % 7));
        assertThat(r.getContext().getSourcePort()).isEqualTo(40_000 + i);
        assertThat(now(r)).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void clientsReadTheAuditTableButNeverWriteOrDropIt() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      int before = rows(db).size();
      assertThat(rows(db)).last().extracting(AuditRecord::getTable).isEqualTo("zones");
      assertThatThrownBy(() -> db.blocking().put(TableNames.AUDIT, "k", "v"))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains(TableNames.AUDIT);
              });
      assertThatThrownBy(() -> db.blocking().dropTable(TableNames.AUDIT))
          .isInstanceOfSatisfying(
              ClusterDbException.class, e -> assertThat(e.getMessage()).contains(TableNames.AUDIT));
      assertThatThrownBy(() -> db.blocking().deleteRange(TableNames.AUDIT, KeyRange.all()))
          .isInstanceOf(ClusterDbException.class);
      assertThat(rows(db)).hasSize(before);

      db.as(ALICE).createTable("local_zones", TableOptions.of(TableScope.PEER)).join();
      db.as(ALICE).put("local_zones", Bytes.of("k"), Bytes.of("v")).join();
      assertThat(rows(db, TableNames.PEER_AUDIT))
          .as("a peer table's changes, in that peer's own audit table")
          .extracting(AuditRecord::getTable, AuditTest::key, AuditTest::now)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("local_zones", "", null),
              org.assertj.core.groups.Tuple.tuple("local_zones", "k", "v"));
      assertThat(rows(db)).hasSize(before);
    }
  }

  @Test
  void aSensitiveTablesValuesAndAPasswordAreInNoAuditRowOrLine() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      SensitiveTablesTest.awaitKeys(cluster);
      var alice = db.as(ALICE);
      alice.createTable("secrets", TableOptions.sensitive(TableScope.CLUSTER)).join();
      alice.put("secrets", Bytes.of("admin"), Bytes.of(SECRET)).join();
      alice.put("secrets", Bytes.of("admin"), Bytes.of(SECRET + "2")).join();
      alice.deleteRange("secrets", KeyRange.key(Bytes.of("admin"))).join();
      db.saveAccount("bob", Role.ADMIN, SECRET.toCharArray(), ALICE).join();
      cluster.awaitConverged();

      for (int i = 0; i < 3; i++) {
        List<AuditRecord> rows = rows(cluster.member(i));
        assertThat(rows)
            .filteredOn(r -> r.getTable().equals("secrets") && r.getAction() != Action.CREATE_TABLE)
            .extracting(AuditTest::old, AuditTest::now, AuditRecord::getMasked)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(null, "***", true),
                org.assertj.core.groups.Tuple.tuple("***", "***", true),
                org.assertj.core.groups.Tuple.tuple("***", null, true));
        assertThat(rows)
            .filteredOn(r -> r.getTable().equals(TableNames.ACCOUNTS))
            .extracting(AuditTest::key, AuditTest::now)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", "role=admin password=set"));
        for (AuditRecord r : rows) {
          assertThat(r.toByteString().toString(StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        }
      }
      assertThat(messages())
          .anyMatch(l -> l.contains("xconfiguration secrets admin - changed from: '***' to: '***'"))
          .anyMatch(l -> l.contains("xconfiguration clusterdb.accounts bob - changed from: (none)"))
          .noneMatch(l -> l.contains(SECRET));
      assertThat(SensitiveTablesTest.filesHolding(dir, SECRET)).isEmpty();
    }
  }

  @Test
  void theTableKeepsAFixedCountOfRowsPrunedAlikeOnEveryMember() {
    try (MiniCluster cluster = MiniCluster.start(3, dir)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      db.blocking().createTable("zones", TableScope.CLUSTER);
      int earlier = rows(db).size();
      int perTxn = 128;
      int txns = (int) (Applier.AUDIT_ROWS / perTxn) + 2;
      for (int t = 0; t < txns; t++) {
        Op[] ops = new Op[perTxn];
        for (int k = 0; k < perTxn; k++) {
          ops[k] = Op.put("zones", Bytes.of("k" + t + "-" + k), Bytes.of("v"));
        }
        db.txn(Txn.of(ops)).join();
      }
      cluster.awaitConverged();

      List<AuditRecord> rows = rows(cluster.member(0));
      assertThat(rows).hasSize((int) Applier.AUDIT_ROWS);
      long written = earlier + (long) txns * perTxn;
      long pruned = written - Applier.AUDIT_ROWS;
      // The oldest go first: the create and the first puts.
      assertThat(rows).noneMatch(r -> r.getAction() == Action.CREATE_TABLE);
      long firstPut = pruned - earlier;
      assertThat(key(rows.get(0))).isEqualTo("k" + firstPut / perTxn + "-" + firstPut % perTxn);
      assertThat(key(rows.get(rows.size() - 1))).isEqualTo("k" + (txns - 1) + "-" + (perTxn - 1));
      for (int i = 1; i < 3; i++) {
        assertThat(rows(cluster.member(i))).as("member %d", i).isEqualTo(rows);
      }
    }
  }

  /** A copy: the appender adds under its own lock, from the members' threads. */
  private List<String> messages() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** {@code s} with address mapping on and one mapping. */
  private static ClusteringSettings mapped(ClusteringSettings s) {
    return new ClusteringSettings(
        s.name(),
        s.primary(),
        s.tlsMode(),
        s.ipVersion(),
        s.peers(),
        true,
        Map.of("edge.example.test", "127.0.0.9"));
  }

  static List<AuditRecord> rows(ClusterDb db) {
    return rows(db, TableNames.AUDIT);
  }

  static List<AuditRecord> rows(ClusterDb db, String table) {
    List<AuditRecord> out = new ArrayList<>();
    for (KeyValue kv : db.blocking().range(table, KeyRange.all(), ReadOptions.local()).kvs()) {
      try {
        out.add(AuditRecord.parseFrom(kv.value().toByteArray()));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  private static String key(AuditRecord r) {
    return r.getKey().toStringUtf8();
  }

  private static String old(AuditRecord r) {
    return r.hasOldValue() ? r.getOldValue().toStringUtf8() : null;
  }

  private static String now(AuditRecord r) {
    return r.hasNewValue() ? r.getNewValue().toStringUtf8() : null;
  }
}
