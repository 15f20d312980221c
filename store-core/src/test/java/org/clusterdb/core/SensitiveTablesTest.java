package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.Compare;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.Table;
import org.clusterdb.api.TableOptions;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.api.WatchEvent;
import org.clusterdb.api.WatchListener;
import org.clusterdb.api.WatchRequest;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sensitive tables on real members in one JVM: the cluster's creator makes the system key, joiners
 * receive it wrapped to their TLS key, values are sealed before they are proposed and opened on
 * every member, and nothing on disk holds them in plain text; a member whose key file was deleted
 * serves them again after ForceSystemKeyUpdate.
 */
@Timeout(180)
public class SensitiveTablesTest {
  private static final int SYSTEM_KEY_ALARM = 20020;
  private static final String SECRET = "Sekr3t-Passw0rd-ZQXJ";
  private static final String CONTROL = "Pla1n-Control-VKWY";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static ClusterDbConfig.Builder quick(ClusterDbConfig.Builder b) {
    return b.healthCheckInterval(Duration.ofMillis(200)).peerFailureTimeout(Duration.ofSeconds(1));
  }

  @Test
  void everyMemberHoldsTheCreatorsKeyAndServesSealedValuesThatNoFileHoldsInPlainText()
      throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, SensitiveTablesTest::quick)) {
      int leader = cluster.awaitLeader();
      ClusterDb db = cluster.member(leader);
      awaitKeys(cluster);
      byte[] key0 = Files.readAllBytes(keyFile(cluster, 0));
      for (int i = 0; i < 3; i++) {
        assertThat(Files.readAllBytes(keyFile(cluster, i))).isEqualTo(key0);
        assertThat(
                PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile(cluster, i))))
            .isEqualTo("rw-------");
      }

      Table t = db.blocking().createTable("accounts", TableOptions.sensitive(TableScope.CLUSTER));
      assertThat(t.sensitive()).isTrue();
      db.blocking().createTable("zones", TableScope.CLUSTER);
      db.blocking().createTable("local_secrets", TableOptions.sensitive(TableScope.PEER));
      assertThat(db.blocking().listTables(Consistency.LINEARIZABLE))
          .extracting(Table::name, Table::sensitive)
          .contains(
              org.assertj.core.groups.Tuple.tuple("accounts", true),
              org.assertj.core.groups.Tuple.tuple("zones", false));

      // Written through a follower: sealed there, before it is proposed.
      ClusterDb follower = cluster.member(cluster.aFollower());
      follower.blocking().put("accounts", "admin", SECRET);
      db.blocking().put("zones", "z", CONTROL);
      db.blocking().put("local_secrets", "k", SECRET);
      cluster.awaitConverged();
      for (int i = 0; i < 3; i++) {
        ClusterDb m = cluster.member(i);
        assertThat(value(m.blocking().get("accounts", Bytes.of("admin"), Consistency.LOCAL)))
            .isEqualTo(SECRET);
        assertThat(value(m.blocking().get("accounts", "admin"))).isEqualTo(SECRET);
      }
      assertThat(value(db.blocking().get("local_secrets", "k"))).isEqualTo(SECRET);
      cluster.member(leader).snapshot().join();

      List<Path> holding = filesHolding(dir, SECRET);
      assertThat(holding).as("files holding the sensitive value in plain text").isEmpty();
      assertThat(filesHolding(dir, CONTROL))
          .as("the same scan finds a value that is not sensitive")
          .isNotEmpty();
    }
  }

  @Test
  void resultsAndEventsAreOpenedAndAValueCompareIsRefusedNamingTheField() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, SensitiveTablesTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      awaitKeys(cluster);
      db.blocking().createTable("accounts", TableOptions.sensitive(TableScope.CLUSTER));
      List<WatchEvent> seen = new CopyOnWriteArrayList<>();
      ClusterDb watcher = cluster.member(cluster.aFollower());
      cluster.awaitConverged();
      watcher.watch(
          WatchRequest.table("accounts"),
          new WatchListener() {
            @Override
            public void onEvents(long revision, List<WatchEvent> events) {
              seen.addAll(events);
            }
          });

      db.blocking().put("accounts", "admin", "first");
      TxnResult r =
          db.blocking()
              .txn(
                  Txn.when(Compare.version("accounts", Bytes.of("admin")).equalTo(1))
                      .then(
                          new Op.Put("accounts", Bytes.of("admin"), Bytes.of(SECRET)),
                          new Op.Range("accounts", org.clusterdb.api.KeyRange.all(), 0)));
      assertThat(r.succeeded()).isTrue();
      assertThat(r.results().get(0))
          .isInstanceOfSatisfying(
              org.clusterdb.api.PutResult.class,
              p -> assertThat(p.previous().map(kv -> kv.value().toStringUtf8())).contains("first"));
      assertThat(r.results().get(1))
          .isInstanceOfSatisfying(
              org.clusterdb.api.RangeResult.class,
              rr -> assertThat(rr.kvs().get(0).value().toStringUtf8()).isEqualTo(SECRET));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(seen)
                      .extracting(e -> e.kv().value().toStringUtf8())
                      .containsExactly("first", SECRET));

      assertThatThrownBy(
              () ->
                  db.blocking()
                      .txn(
                          Txn.when(
                                  Compare.value("accounts", Bytes.of("admin"))
                                      .equalTo(Bytes.of(SECRET)))
                              .then(new Op.Put("accounts", Bytes.of("x"), Bytes.of("y")))))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.field()).contains("txn.compare[0].target");
              });
    }
  }

  @Test
  void aMemberWhoseKeyFileWasDeletedRaisesTheAlarmUntilForceSystemKeyUpdate() throws Exception {
    try (MiniCluster cluster = MiniCluster.start(3, dir, SensitiveTablesTest::quick)) {
      ClusterDb db = cluster.member(cluster.awaitLeader());
      awaitKeys(cluster);
      db.blocking().createTable("accounts", TableOptions.sensitive(TableScope.CLUSTER));
      db.blocking().createTable("zones", TableScope.CLUSTER);
      db.blocking().put("accounts", "admin", SECRET);
      db.blocking().put("zones", "z", CONTROL);
      cluster.awaitConverged();

      int lost = cluster.aFollower();
      cluster.stop(lost);
      Files.delete(keyFile(cluster, lost));
      ClusterDb p = cluster.restart(lost);
      cluster.awaitLeader();
      await().atMost(WAIT).until(() -> MiniCluster.activeAlarmIds(p).contains(SYSTEM_KEY_ALARM));
      // A linearizable read on a member still catching up may time out first; either way it
      // serves nothing, and once caught up it refuses for want of the key.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> p.blocking().get("accounts", "admin"))
                      .isInstanceOfSatisfying(
                          ClusterDbException.class,
                          e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE)));
      assertThatThrownBy(() -> p.blocking().put("accounts", "other", "x"))
          .isInstanceOfSatisfying(
              ClusterDbException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.definite()).isTrue();
              });
      // Tables that are not sensitive are served as ever.
      assertThat(value(p.blocking().get("zones", "z"))).isEqualTo(CONTROL);
      // Not restored on its own: it held the key before, so it waits for an admin.
      assertThat(Files.exists(keyFile(cluster, lost))).isFalse();

      // On a peer that holds the key, as the seed's procedure says.
      ClusterDb healthy = cluster.member(cluster.awaitLeader());
      assertThat(healthy.forceSystemKeyUpdate().join()).contains(cluster.config(lost).memberId());
      // Refused with UNAVAILABLE until the grant reaches it.
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .untilAsserted(
              () -> assertThat(value(p.blocking().get("accounts", "admin"))).isEqualTo(SECRET));
      await().atMost(WAIT).until(() -> !MiniCluster.activeAlarmIds(p).contains(SYSTEM_KEY_ALARM));
      assertThat(Files.readAllBytes(keyFile(cluster, lost)))
          .isEqualTo(Files.readAllBytes(keyFile(cluster, (lost + 1) % 3)));
      // The grant leaves the state once taken: no wrapped key lingers in snapshots or backups.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  healthy
                      .blocking()
                      .range(
                          "clusterdb.cluster",
                          org.clusterdb.api.KeyRange.prefix(Bytes.of("keygrant/")),
                          org.clusterdb.api.ReadOptions.DEFAULT)
                      .kvs()
                      .isEmpty());

      // On a peer without the key, the command is refused.
      cluster.stop(lost);
      Files.delete(keyFile(cluster, lost));
      ClusterDb again = cluster.restart(lost);
      assertThatThrownBy(() -> again.forceSystemKeyUpdate().join())
          .hasCauseInstanceOf(ClusterDbException.class)
          .hasMessageContaining("no system key");
    }
  }

  public static void awaitKeys(MiniCluster cluster) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (int i : cluster.running()) {
                if (!Files.exists(keyFile(cluster, i))
                    || MiniCluster.activeAlarmIds(cluster.member(i)).contains(SYSTEM_KEY_ALARM)) {
                  return false;
                }
              }
              return true;
            });
  }

  private static Path keyFile(MiniCluster cluster, int i) {
    return cluster.config(i).dataDir().resolve("system.key");
  }

  private static String value(Optional<KeyValue> kv) {
    return kv.orElseThrow().value().toStringUtf8();
  }

  /** Every file under {@code root} whose bytes contain {@code text}. */
  public static List<Path> filesHolding(Path root, String text) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try {
          if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
            out.add(f);
          }
        } catch (IOException e) {
          // deleted by a running member since the walk listed it
        }
      }
    }
    return out;
  }
}
