package org.clusterdb.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.api.Account;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.Role;
import org.clusterdb.api.TableScope;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.MiniCluster;
import org.clusterdb.core.SensitiveTablesTest;
import org.clusterdb.core.config.ClusterDbConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Accounts replicate through Raft, every member checks passwords, and a reset keeps them. */
@Timeout(120)
class AccountsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void accountsReplicateAndEveryMemberChecksPasswordsAgainstOnlyTheHash() throws Exception {
    MiniCluster cluster = MiniCluster.start(3, dir);
    open.add(cluster);
    cluster.awaitLeader();
    ClusterDb primary = cluster.member(0);
    primary.saveAccount("alice", Role.ADMIN, "alice-password".toCharArray()).join();
    primary.saveAccount("bob", Role.READONLY, "bob-password-1".toCharArray()).join();
    for (int i = 0; i < 3; i++) {
      AccountStore accounts = cluster.member(i).accounts();
      // A member checks passwords once it holds the system key, granted after it joined.
      await()
          .atMost(WAIT)
          .ignoreException(ClusterDbException.class)
          .until(() -> accounts.authenticate("alice", "alice-password".toCharArray()).isPresent());
      assertThat(accounts.authenticate("alice", "bob-password-1".toCharArray())).isEmpty();
      assertThat(accounts.authenticate("bob", "bob-password-1".toCharArray()))
          .contains(new Account("bob", Role.READONLY));
      assertThat(accounts.accounts())
          .containsExactly(new Account("alice", Role.ADMIN), new Account("bob", Role.READONLY));
    }
    // Hashes are sealed with the system key: no file holds one, though the log holds the names.
    cluster.member(0).snapshot().join();
    assertThat(SensitiveTablesTest.filesHolding(dir, "scrypt$")).isEmpty();
    assertThat(SensitiveTablesTest.filesHolding(dir, "alice")).isNotEmpty();
    // A role change keeps the password; a new password replaces the old one everywhere.
    primary.saveAccount("bob", Role.ADMIN, null).join();
    primary.saveAccount("alice", Role.ADMIN, "alice-password-2".toCharArray()).join();
    for (int i = 0; i < 3; i++) {
      AccountStore accounts = cluster.member(i).accounts();
      await()
          .atMost(WAIT)
          .until(() -> accounts.authenticate("alice", "alice-password".toCharArray()).isEmpty());
      assertThat(accounts.authenticate("alice", "alice-password-2".toCharArray())).isPresent();
      assertThat(accounts.authenticate("bob", "bob-password-1".toCharArray()))
          .contains(new Account("bob", Role.ADMIN));
    }
  }

  @Test
  void theSwitchNeedsAnAdminAndKeepsOne() {
    MiniCluster cluster = MiniCluster.start(1, dir);
    open.add(cluster);
    cluster.awaitLeader();
    ClusterDb db = cluster.member(0);
    assertThatThrownBy(() -> db.setAuthEnabled(true).join())
        .hasCauseInstanceOf(ClusterDbException.class)
        .hasMessageContaining("admin account");
    db.saveAccount("root", Role.ADMIN, "root-password".toCharArray()).join();
    db.setAuthEnabled(true).join();
    assertThat(db.accounts().authEnabled()).isTrue();
    ClusterDbException last =
        (ClusterDbException)
            org.assertj.core.api.Assertions.catchThrowable(() -> db.deleteAccount("root").join())
                .getCause();
    assertThat(last.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(last.field()).contains("name");
    assertThatThrownBy(() -> db.blocking().get("clusterdb.accounts", "root"))
        .isInstanceOf(ClusterDbException.class)
        .hasMessageContaining("private");
  }

  @Test
  void aFactoryResetKeepsTheAccountsAndTheSwitchButNotTheData() {
    int port = MiniCluster.freePorts(1).get(0);
    PeerAddress self = new PeerAddress("p1", "127.0.0.1", port);
    ClusterDbConfig config =
        ClusterDbConfig.builder()
            .clusterName("accounts.test")
            .memberId("p1")
            .peers(List.of(self))
            .dataDir(dir.resolve("p1"))
            .electionTimeout(MiniCluster.ELECTION_MIN, MiniCluster.ELECTION_MAX)
            .build();
    ClusterDb db = ClusterDb.start(config);
    await()
        .atMost(WAIT)
        .until(() -> db.clusterClusteringSettings().map(s -> s.peers().size()).orElse(0) == 1);
    db.blocking().createTable("zones", TableScope.CLUSTER);
    db.saveAccount("root", Role.ADMIN, "root-password".toCharArray()).join();
    db.setAuthEnabled(true).join();
    ClusteringSettings own = db.clusteringSettings();
    db.saveClusteringSettings(own.withPeers(List.of())).join();
    db.close();

    ClusterDb reset = ClusterDb.start(config);
    open.add(reset);
    // Its own new cluster, without the old data, but with the accounts and the switch back.
    await()
        .atMost(WAIT)
        .until(
            () ->
                reset.accounts().view().fromCluster()
                    && reset
                        .accounts()
                        .authenticate("root", "root-password".toCharArray())
                        .isPresent());
    assertThat(reset.accounts().authEnabled()).isTrue();
    // The old key, kept only to carry the hashes over, is gone; the new cluster has its own.
    assertThat(dir.resolve("p1").resolve(AccountStore.RESTORE_KEY_FILE)).doesNotExist();
    assertThat(reset.blocking().listTables(org.clusterdb.api.Consistency.LOCAL)).isEmpty();
  }
}
