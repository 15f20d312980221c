package org.clusterdb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.Op;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.TableScope;
import org.clusterdb.api.Txn;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a typed error naming the field, and nothing is half-applied. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationTest {
  @TempDir static Path dir;
  MiniCluster cluster;
  BlockingKeyValueStore db;

  @BeforeAll
  void start() {
    cluster = MiniCluster.start(3, dir, b -> b.maxKeyBytes(16).maxValueBytes(32));
    db = cluster.member(cluster.awaitLeader()).blocking();
    db.createTable("t", TableScope.CLUSTER);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private void rejected(ThrowingCallable call, ErrorCode code, String field) {
    long before = cluster.awaitConverged();
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.definite()).isTrue();
              assertThat(e.field()).contains(field);
              assertThat(e.getMessage()).startsWith(field);
            });
    assertThat(cluster.awaitConverged()).isEqualTo(before);
  }

  @Test
  void emptyKey() {
    rejected(() -> db.put("t", Bytes.EMPTY, Bytes.of("v")), ErrorCode.INVALID_ARGUMENT, "key");
  }

  @Test
  void oversizedKeyAndValue() {
    rejected(() -> db.put("t", "k".repeat(17), "v"), ErrorCode.LIMIT_EXCEEDED, "key");
    rejected(() -> db.put("t", "k", "v".repeat(33)), ErrorCode.LIMIT_EXCEEDED, "value");
  }

  @Test
  void unknownAndMalformedTables() {
    rejected(() -> db.put("nope", "k", "v"), ErrorCode.UNKNOWN_TABLE, "txn.success[0].table");
    rejected(() -> db.put("9bad", "k", "v"), ErrorCode.INVALID_ARGUMENT, "table");
    rejected(
        () -> db.createTable("has space", TableScope.CLUSTER), ErrorCode.INVALID_ARGUMENT, "name");
    rejected(() -> db.createTable("t", TableScope.CLUSTER), ErrorCode.TABLE_EXISTS, "name");
    rejected(() -> db.dropTable("nope"), ErrorCode.UNKNOWN_TABLE, "name");
  }

  @Test
  void malformedTransactionAppliesNothing() {
    Txn bad =
        Txn.of(
            Op.put("t", Bytes.of("a"), Bytes.of("1")),
            Op.put("t", Bytes.of("b"), Bytes.of("v".repeat(33))));
    rejected(() -> db.txn(bad), ErrorCode.LIMIT_EXCEEDED, "txn.success[1].put.value");
    Txn twice =
        Txn.of(Op.put("t", Bytes.of("a"), Bytes.of("1")), Op.delete("t", KeyRange.prefix("a")));
    rejected(() -> db.txn(twice), ErrorCode.INVALID_ARGUMENT, "txn.success[1]");
    Txn unknown =
        Txn.of(
            Op.put("t", Bytes.of("a"), Bytes.of("1")),
            Op.put("nope", Bytes.of("b"), Bytes.of("2")));
    rejected(() -> db.txn(unknown), ErrorCode.UNKNOWN_TABLE, "txn.success[1].table");
    assertThat(db.get("t", "a")).isEmpty();
  }

  @Test
  void invalidRanges() {
    rejected(
        () ->
            db.range(
                "t",
                KeyRange.between(Bytes.of("b"), Bytes.of("a")),
                org.clusterdb.api.ReadOptions.DEFAULT),
        ErrorCode.INVALID_ARGUMENT,
        "rangeEnd");
  }

  @Test
  void invalidConfigReportsEveryProblemAtOnce() {
    Consumer<ClusterDbException> allNamed =
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage())
              .contains("clusterName", "memberId", "peers[1].id", "peers[1].port", "dataDir");
        };
    assertThatThrownBy(
            () ->
                ClusterDbConfig.builder()
                    .clusterName("bad name!")
                    .memberId("p9")
                    .peers(
                        java.util.List.of(
                            new PeerAddress("p1", "127.0.0.1", 1000),
                            new PeerAddress("p1", "127.0.0.1", 70000)))
                    .build())
        .isInstanceOfSatisfying(ClusterDbException.class, allNamed);
  }

  /** The broken variant the chaos tests use must not be switched on by accident. */
  @Test
  void unsafeLocalReadsAreRefusedOutsideFaultInjectionTests() {
    assertThat(System.getenv(ClusterDbConfig.UNSAFE_TESTING_ENV)).isNull();
    assertThatThrownBy(
            () ->
                ClusterDbConfig.builder()
                    .clusterName("c.example.com")
                    .memberId("p1")
                    .peers(java.util.List.of(new PeerAddress("p1", "127.0.0.1", 1000)))
                    .dataDir(java.nio.file.Path.of("/tmp/unused"))
                    .unsafeLocalReads(true)
                    .build())
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage())
                  .contains("unsafeLocalReads", "CLUSTERDB_UNSAFE_TESTING=yes");
            });
  }
}
