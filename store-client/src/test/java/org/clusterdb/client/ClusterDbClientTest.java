package org.clusterdb.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.clusterdb.client.FakeMember.fail;
import static org.clusterdb.client.FakeMember.hang;
import static org.clusterdb.client.FakeMember.header;
import static org.clusterdb.client.FakeMember.reply;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.Consistency;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.MemberStatus;
import org.clusterdb.api.NotLeaderException;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.proto.api.v1.LeaderResponse;
import org.clusterdb.proto.api.v1.MembersResponse;
import org.clusterdb.proto.api.v1.PutResponse;
import org.clusterdb.proto.api.v1.RangeResponse;
import org.clusterdb.proto.api.v1.RequestId;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsRequest;
import org.clusterdb.proto.api.v1.SaveClusteringSettingsResponse;
import org.clusterdb.proto.api.v1.SnapshotResponse;
import org.clusterdb.proto.api.v1.StatusResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's retry, failover and outcome logic, against scripted in-process members. */
@Timeout(30)
class ClusterDbClientTest {
  private static final Bytes KEY = Bytes.of("edge");
  private static final Bytes VALUE = Bytes.of("{}");

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private FakeMember member(String id) {
    FakeMember m = new FakeMember(id);
    resources.add(m);
    return m;
  }

  private ClusterDbClient client(Duration requestTimeout, FakeMember... members) {
    List<String> endpoints = new ArrayList<>();
    for (FakeMember m : members) {
      endpoints.add(m.address);
    }
    ClusterDbClient c =
        ClusterDbClient.builder()
            .endpoints(endpoints)
            .requestTimeout(requestTimeout)
            .attemptTimeout(Duration.ofMillis(500))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .channelFactory(FakeMember.CHANNELS)
            .build();
    resources.add(0, c);
    return c;
  }

  private static ClusterDbException failure(CompletableFuture<?> f) {
    return BlockingKeyValueStore.unwrap(catchThrowable(() -> f.get(10, TimeUnit.SECONDS)));
  }

  private static PutResponse putResponse(FakeMember m, long revision) {
    return PutResponse.newBuilder().setHeader(header(m, revision)).build();
  }

  @Test
  void writeFailingWithUnavailableIsRetriedOnTheNextEndpointWithTheSameRequestId()
      throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.put = fail(Status.UNAVAILABLE.withDescription("member going away"));
    b.put = (r, out) -> reply(out, putResponse(b, 7));
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b);

    PutResult first = client.put("zones", KEY, VALUE).get();

    assertThat(first.header().memberId()).isEqualTo("b");
    assertThat(first.header().revision()).isEqualTo(7);
    assertThat(a.puts).hasSize(1);
    assertThat(b.puts).hasSize(1);
    RequestId id = a.puts.get(0).getRequestId();
    assertThat(b.puts.get(0).getRequestId()).isEqualTo(id);
    assertThat(id.getClientId().size()).isEqualTo(16);
    assertThat(id.getSeq()).isEqualTo(1);
    assertThat(id.getAckedBelow()).isEqualTo(1);

    client.put("zones", KEY, VALUE).get();

    // The endpoint that answered is tried first next time.
    assertThat(a.puts).hasSize(1);
    RequestId next = b.puts.get(1).getRequestId();
    assertThat(next.getClientId()).isEqualTo(id.getClientId());
    assertThat(next.getSeq()).isEqualTo(2);
    assertThat(next.getAckedBelow()).isEqualTo(2);
  }

  @Test
  void writeWhoseEveryAttemptTimesOutFailsIndeterminateAfterTheRequestTimeout() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.put = hang();
    b.put = hang();
    Duration requestTimeout = Duration.ofMillis(1200);
    ClusterDbClient client = client(requestTimeout, a, b);

    long start = System.nanoTime();
    ClusterDbException e = failure(client.put("zones", KEY, VALUE));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(e.definite()).isFalse();
    assertThat(took).isBetween(requestTimeout.minusMillis(50), requestTimeout.plusSeconds(2));
    // Attempts of 500 ms within 1200 ms: both members were tried, all with one request id.
    assertThat(a.puts.size() + b.puts.size()).isGreaterThanOrEqualTo(3);
    assertThat(b.puts).isNotEmpty();
    RequestId id = a.puts.get(0).getRequestId();
    assertThat(a.puts).allSatisfy(p -> assertThat(p.getRequestId()).isEqualTo(id));
    assertThat(b.puts).allSatisfy(p -> assertThat(p.getRequestId()).isEqualTo(id));
  }

  @Test
  void nonRetryableServerErrorSurfacesAtOnceWithItsTypeAndField() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.put =
        fail(
            new ClusterDbException(
                ErrorCode.UNKNOWN_TABLE, "table zones does not exist", "table", true, null));
    ClusterDbClient client = client(Duration.ofSeconds(20), a, b);

    long start = System.nanoTime();
    ClusterDbException e = failure(client.put("zones", KEY, VALUE));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TABLE);
    assertThat(e.field()).contains("table");
    assertThat(e.definite()).isTrue();
    assertThat(e.getMessage()).isEqualTo("table zones does not exist");
    assertThat(a.puts).hasSize(1);
    assertThat(b.puts).isEmpty();
  }

  @Test
  void definiteErrorAfterAnAttemptThatMayHaveAppliedIsNotDefinite() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.put = hang();
    b.put = fail(new ClusterDbException(ErrorCode.UNKNOWN_TABLE, "gone", "table", true, null));
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b);

    ClusterDbException e = failure(client.put("zones", KEY, VALUE));

    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TABLE);
    assertThat(e.field()).contains("table");
    assertThat(e.definite()).isFalse();
  }

  @Test
  void notLeaderWithAHintSendsTheNextAttemptToTheHintedEndpoint() throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    FakeMember c = member("c");
    a.put = fail(new NotLeaderException("not the leader", "c", c.address));
    c.put = (r, out) -> reply(out, putResponse(c, 3));
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b, c);

    PutResult r = client.put("zones", KEY, VALUE).get();

    assertThat(r.header().memberId()).isEqualTo("c");
    assertThat(b.puts).isEmpty();
    assertThat(c.puts.get(0).getRequestId()).isEqualTo(a.puts.get(0).getRequestId());

    client.put("zones", KEY, VALUE).get();

    // The hint is remembered as the leader.
    assertThat(a.puts).hasSize(1);
    assertThat(c.puts).hasSize(2);
  }

  @Test
  void leaderHintOutsideTheConfiguredEndpointsGetsItsOwnChannel() throws Exception {
    FakeMember a = member("a");
    FakeMember d = member("d");
    a.put = fail(new NotLeaderException("not the leader", "d", d.address));
    d.put = (r, out) -> reply(out, putResponse(d, 4));
    ClusterDbClient client = client(Duration.ofSeconds(5), a);

    assertThat(client.put("zones", KEY, VALUE).get().header().memberId()).isEqualTo("d");
    assertThat(d.puts.get(0).getRequestId()).isEqualTo(a.puts.get(0).getRequestId());
  }

  /** The member forwards writes to the leader; sending them there would misroute peer tables. */
  @Test
  void callsStayOnTheMemberTheClientTalksToEvenWhenTheLeaderIsKnown() throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    LeaderResponse leaderIsB =
        LeaderResponse.newBuilder().setHeader(header(a, 1)).setLeader(b.member()).build();
    a.leader = (r, out) -> reply(out, leaderIsB);
    b.leader = (r, out) -> reply(out, leaderIsB);
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b);

    assertThat(client.leader()).map(Member::id).contains("b");
    client.put("zones", KEY, VALUE).get();
    client.get("zones", KEY).get();

    assertThat(a.puts).hasSize(1);
    assertThat(b.puts).isEmpty();
    assertThat(a.ranges).hasSize(1);
    assertThat(b.ranges).isEmpty();
  }

  @Test
  void readsRetryAcrossEndpointsOnRetryableErrors() throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    FakeMember c = member("c");
    a.range = fail(Status.UNAVAILABLE);
    b.range = fail(new ClusterDbException(ErrorCode.NO_LEADER, "election in progress"));
    c.range =
        (r, out) ->
            reply(
                out,
                RangeResponse.newBuilder()
                    .setHeader(header(c, 9))
                    .addKvs(
                        org.clusterdb.proto.api.v1.KeyValue.newBuilder()
                            .setKey(ByteString.copyFromUtf8("edge"))
                            .setValue(ByteString.copyFromUtf8("{}"))
                            .setCreateRevision(2)
                            .setModRevision(9)
                            .setVersion(3))
                    .setCount(1)
                    .build());
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b, c);

    RangeResult r = client.range("zones", KeyRange.prefix("e"), ReadOptions.DEFAULT).get();

    assertThat(r.header().memberId()).isEqualTo("c");
    assertThat(r.kvs()).containsExactly(new KeyValue(KEY, VALUE, 2, 9, 3));
    assertThat(a.ranges).hasSize(1);
    assertThat(b.ranges).hasSize(1);
    assertThat(c.ranges.get(0)).isEqualTo(a.ranges.get(0));
  }

  @Test
  void readRetriesOnAnAttemptDeadline() throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.range = hang();
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b);

    assertThat(client.get("zones", KEY, Consistency.LOCAL).get()).isEmpty();
    assertThat(b.ranges).hasSize(1);
  }

  @Test
  void readWithABadArgumentFailsAtOnce() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.range = fail(ClusterDbException.invalid("limit", "must be >= 0"));
    ClusterDbClient client = client(Duration.ofSeconds(20), a, b);

    ClusterDbException e = failure(client.range("zones", KeyRange.all(), ReadOptions.DEFAULT));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.field()).contains("limit");
    assertThat(b.ranges).isEmpty();
  }

  @Test
  void readsFailWithTheLastErrorWhenTheDeadlinePasses() {
    FakeMember a = member("a");
    a.range = fail(new ClusterDbException(ErrorCode.NO_LEADER, "no leader"));
    ClusterDbClient client = client(Duration.ofMillis(300), a);

    ClusterDbException e = failure(client.range("zones", KeyRange.all(), ReadOptions.DEFAULT));

    assertThat(e.code()).isEqualTo(ErrorCode.NO_LEADER);
    assertThat(a.ranges.size()).isGreaterThan(1);
  }

  @Test
  void writeToARefusedConnectionIsDefinitelyNotApplied() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ClusterDbClient c =
        ClusterDbClient.builder()
            .endpoints("127.0.0.1:" + port)
            .requestTimeout(Duration.ofMillis(500))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build();
    resources.add(c);

    ClusterDbException e = failure(c.put("zones", KEY, VALUE));

    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.definite()).isTrue();
  }

  @Test
  void closeFailsAWriteInFlightAsIndeterminate() {
    FakeMember a = member("a");
    a.put = hang();
    ClusterDbClient client = client(Duration.ofSeconds(20), a);

    CompletableFuture<PutResult> f = client.put("zones", KEY, VALUE);
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.puts.isEmpty());
    client.close();

    ClusterDbException e = failure(f);
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.definite()).isFalse();
    ClusterDbException after = failure(client.put("zones", KEY, VALUE));
    assertThat(after.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(after.definite()).isTrue();
  }

  @Test
  void nullArgumentsFailTheFutureNamingTheParameter() {
    FakeMember a = member("a");
    ClusterDbClient client = client(Duration.ofSeconds(5), a);

    ClusterDbException e = failure(client.put("zones", null, VALUE));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.field()).contains("key");
    assertThat(a.puts).isEmpty();
  }

  @Test
  void clusterCallsMapTheirResponses() throws Exception {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.status = fail(Status.UNAVAILABLE);
    b.status =
        (r, out) ->
            reply(
                out,
                StatusResponse.newBuilder()
                    .setHeader(header(b, 5))
                    .setStatus(
                        org.clusterdb.proto.api.v1.MemberStatus.newBuilder()
                            .setMemberId("b")
                            .setRole(org.clusterdb.proto.api.v1.MemberStatus.Role.FOLLOWER)
                            .setLeaderId("a")
                            .setTerm(2)
                            .setCommitIndex(10)
                            .setAppliedIndex(9)
                            .setSnapshotIndex(-1)
                            .setRevision(5))
                    .build());
    b.members =
        (r, out) ->
            reply(
                out,
                MembersResponse.newBuilder()
                    .setHeader(header(b, 5))
                    .addMembers(a.member())
                    .addMembers(b.member())
                    .build());
    b.snapshot =
        (r, out) ->
            reply(
                out,
                SnapshotResponse.newBuilder().setHeader(header(b, 5)).setSnapshotIndex(42).build());
    ClusterDbClient client = client(Duration.ofSeconds(5), a, b);

    MemberStatus s = client.status();
    List<Member> members = client.members();
    long snapshot = client.snapshot().get();

    assertThat(s.memberId()).isEqualTo("b");
    assertThat(s.role()).isEqualTo(MemberStatus.Role.FOLLOWER);
    assertThat(s.leaderId()).contains("a");
    assertThat(s.appliedIndex()).isEqualTo(9);
    assertThat(members)
        .containsExactly(
            new Member("a", "a:4371", a.address), new Member("b", "b:4371", b.address));
    assertThat(snapshot).isEqualTo(42);
  }

  @Test
  void blockingFacetThrowsTheTypedError() {
    FakeMember a = member("a");
    a.put = fail(new ClusterDbException(ErrorCode.LIMIT_EXCEEDED, "too big", "value", true, null));
    ClusterDbClient client = client(Duration.ofSeconds(5), a);

    assertThatThrownBy(() -> client.blocking().put("zones", "edge", "{}"))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
              assertThat(e.field()).contains("value");
            });
  }

  private static final ClusteringSettings SETTINGS =
      ClusteringSettings.of(
          "c1",
          1,
          List.of(new PeerAddress("a", "10.0.0.1", 7001), new PeerAddress("b", "h", 7002)));

  @Test
  void clusteringSettingsMapsOwnAndClusterSettings() {
    FakeMember a = member("a");
    a.getSettings =
        (r, out) ->
            reply(
                out,
                WireCodec.clusteringSettingsResponse(
                    null, "a", SETTINGS.withPrimary(2), Optional.of(SETTINGS)));
    ClusterDbClient client = client(Duration.ofSeconds(5), a);

    MemberClusteringSettings s = client.clusteringSettings();

    assertThat(s)
        .isEqualTo(
            new MemberClusteringSettings("a", SETTINGS.withPrimary(2), Optional.of(SETTINGS)));
    a.getSettings =
        (r, out) ->
            reply(out, WireCodec.clusteringSettingsResponse(null, "a", SETTINGS, Optional.empty()));
    assertThat(client.clusteringSettings().cluster()).isEmpty();
  }

  @Test
  void clusteringSettingsCallsAreRetriedOnTheSameMemberOnly() {
    FakeMember a = member("a");
    FakeMember b = member("b");
    a.getSettings = fail(Status.UNAVAILABLE);
    b.getSettings =
        (r, out) ->
            reply(out, WireCodec.clusteringSettingsResponse(null, "b", SETTINGS, Optional.empty()));
    ClusterDbClient client = client(Duration.ofMillis(400), a, b);

    assertThatThrownBy(client::clusteringSettings)
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(a.settingsReads.size()).isGreaterThan(1);
    assertThat(b.settingsReads).isEmpty();
  }

  @Test
  void saveClusteringSettingsSendsTheSettingsAndTheMemberAndReturnsWhatWasSaved() {
    FakeMember a = member("a");
    a.saveSettings =
        (r, out) ->
            reply(
                out,
                SaveClusteringSettingsResponse.newBuilder()
                    .setHeader(header(a, 3))
                    .setSettings(r.getSettings())
                    .build());
    ClusterDbClient client = client(Duration.ofSeconds(5), a);

    ClusteringSettings saved = client.saveClusteringSettings("a", SETTINGS.withPrimary(2));
    ClusteringSettings anyMember = client.saveClusteringSettings(SETTINGS);

    assertThat(saved).isEqualTo(SETTINGS.withPrimary(2));
    assertThat(anyMember).isEqualTo(SETTINGS);
    assertThat(a.settingsSaves)
        .extracting(SaveClusteringSettingsRequest::getMemberId)
        .containsExactly("a", "");
    assertThat(WireCodec.clusteringSettings(a.settingsSaves.get(0)))
        .isEqualTo(SETTINGS.withPrimary(2));
  }

  @Test
  void saveClusteringSettingsSurfacesTheInvalidFieldAndRejectsNull() {
    FakeMember a = member("a");
    a.saveSettings = fail(ClusterDbException.invalid("primary", "must be a peer index"));
    ClusterDbClient client = client(Duration.ofSeconds(20), a);

    assertThatThrownBy(() -> client.saveClusteringSettings(SETTINGS.withPrimary(5)))
        .isInstanceOfSatisfying(
            ClusterDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.field()).contains("primary");
            });
    assertThat(a.settingsSaves).hasSize(1);
    assertThatThrownBy(() -> client.saveClusteringSettings(null))
        .isInstanceOfSatisfying(
            ClusterDbException.class, e -> assertThat(e.field()).contains("settings"));
  }
}
