package org.clusterdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clusterdb.server.config.ConfigException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is reported with its field and line, and all of them at once. */
@Timeout(60)
class ConfigProblemsTest {
  @TempDir Path dir;

  private static List<Problem> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "peer.yaml"));
    assertThat(e).as("expected problems in:%n%s", yaml).isNotNull();
    assertThat(e.source()).isEqualTo("peer.yaml");
    return e.problems();
  }

  private static Problem only(String yaml) {
    List<Problem> problems = problems(yaml);
    assertThat(problems).hasSize(1);
    return problems.get(0);
  }

  private static void assertOnly(String yaml, String field, int line, String messagePart) {
    Problem p = only(yaml);
    assertThat(p.field()).isEqualTo(field);
    assertThat(p.line()).isEqualTo(line);
    assertThat(p.message()).contains(messagePart);
  }

  @Test
  void fourProblemsAreReportedAtOnceInLineOrder() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    ConfigLoaderTest.fixture("four-problems.yaml"), "four-problems.yaml"));

    assertThat(e.problems())
        .extracting(Problem::field, Problem::line)
        .containsExactly(
            tuple("cluster.peers[1].clientPort", 11),
            tuple("raft.electionTimeoutMin", 15),
            tuple("raft.electionTimoutMax", 16),
            tuple("requests.maxValueBytes", 18));
    assertThat(e.getMessage())
        .isEqualTo(
            """
            four-problems.yaml:11: cluster.peers[1].clientPort: 127.0.0.1:7001 is already used \
            by cluster.peers[0].peerPort
            four-problems.yaml:15: raft.electionTimeoutMin: whole numbers only, e.g. 1500ms \
            instead of 1.5s, got '1.5s'
            four-problems.yaml:16: raft.electionTimoutMax: unknown field (did you mean \
            electionTimeoutMax?); allowed: electionTimeoutMin, electionTimeoutMax, \
            snapshotEveryEntries, snapshotsRetained, logSegmentBytes, logPurgeGap
            four-problems.yaml:18: requests.maxValueBytes: 'MB' is ambiguous (powers of 1000 \
            or of 1024?): write 4MiB or a plain number of bytes\
            """);
  }

  @Test
  void malformedYamlReportsItsLine() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.parse(ConfigLoaderTest.fixture("malformed.yaml"), "bad.yaml"));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).field()).isEqualTo("yaml");
    assertThat(e.problems().get(0).line()).isEqualTo(6);
    assertThat(e.getMessage()).startsWith("bad.yaml:6: yaml: syntax error: ");
  }

  @Test
  void tabIndentationIsASyntaxErrorOnItsLine() {
    assertOnly("cluster:\n  name: c1\n\tpeers: []\n", "yaml", 3, "TAB");
  }

  @Test
  void controlCharactersAreASyntaxErrorOnTheirLine() {
    Problem p = only("cluster:\n  name: c\u00011\n");

    assertThat(p.field()).isEqualTo("yaml");
    assertThat(p.line()).isEqualTo(2);
    assertThat(p.message()).startsWith("syntax error: ").doesNotContain("\n");
  }

  @Test
  void everyProblemIsOneLineEvenForKeysWithLineBreaks() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.parse("\"a\\nb\": 1\n", "peer.yaml"));

    assertThat(e.getMessage().lines()).hasSize(e.problems().size());
    assertThat(e.problems()).extracting(Problem::field).contains("a b");
  }

  @Test
  void emptyFileOrNonMappingRootIsOneProblem() {
    assertOnly("", "yaml", 1, "the file is empty");
    assertOnly("# nothing\n", "yaml", 1, "the file is empty");
    assertOnly("\n- cluster\n", "yaml", 2, "expected a mapping of sections");
  }

  @Test
  void unknownFieldsListTheAllowedKeys() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - id: p1
                  host: h1
                  peerPort: 7001
                  clientPort: 7101
                  port: 7001
            member: p1
            dataDir: /d
            reqests:
              timeout: 1s
            """);

    assertThat(problems)
        .containsExactly(
            new Problem(
                "cluster.peers[0].port",
                8,
                "unknown field; allowed: id, host, peerPort, clientPort"),
            new Problem(
                "reqests",
                11,
                "unknown field (did you mean requests?); allowed: cluster, member, dataDir, raft,"
                    + " requests, watch, server, log, tls"));
  }

  @Test
  void wrongTypesNameTheFieldAndLine() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - id: p1
                  host: h1
                  peerPort: seven
                  clientPort: 7101
            member: p1
            dataDir: /d
            raft:
              snapshotsRetained: [1, 2]
            requests: 10s
            watch:
              historyRevisions: 1e6
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.peers[0].peerPort", 6, "expected a whole number, got 'seven'"),
            new Problem("raft.snapshotsRetained", 11, "expected a whole number, got a list"),
            new Problem("requests", 12, "expected a section of keys, got '10s'"),
            new Problem("watch.historyRevisions", 14, "expected a whole number, got '1e6'"));
  }

  @Test
  void missingRequiredFieldsAreReportedAtTheirSection() {
    List<Problem> problems =
        problems(
            """
            # no name, no member
            cluster:
              peers:
                - id: p1
                  host: h1
                  clientPort: 7101
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.name", 2, "required"),
            new Problem("member", 2, "required"),
            new Problem("dataDir", 2, "required"),
            new Problem("cluster.peers[0].peerPort", 4, "required"));
  }

  @Test
  void missingPeersAndMissingClusterAreRequired() {
    assertOnly("cluster:\n  name: c1\nmember: p1\ndataDir: /d\n", "cluster.peers", 1, "required");
    assertOnly("member: p1\ndataDir: /d\n", "cluster", 1, "required");
  }

  @Test
  void nullValuesAreReported() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - id: p1
                  host:
                  peerPort: 7001
                  clientPort: 7101
            member: ~
            dataDir: /d
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.peers[0].host", 5, "has no value; expected a string"),
            new Problem("member", 8, "has no value; expected a string"));
  }

  @Test
  void emptyPeerListIsReported() {
    assertOnly(
        "cluster:\n  name: c1\n  peers: []\nmember: p1\ndataDir: /d\n",
        "cluster.peers",
        3,
        "at least one peer is required");
    assertOnly(
        "cluster:\n  name: c1\n  peers:\nmember: p1\ndataDir: /d\n",
        "cluster.peers",
        3,
        "at least one peer is required");
  }

  @Test
  void duplicatePeerIdsAreReportedAtTheSecondOne() {
    assertOnly(
        """
        cluster:
          name: c1
          peers:
            - {id: p1, host: h1, peerPort: 7001, clientPort: 7101}
            - {id: p1, host: h2, peerPort: 7001, clientPort: 7101}
        member: p1
        dataDir: /d
        """,
        "cluster.peers[1].id",
        5,
        "duplicate id 'p1'");
  }

  @Test
  void aPortUsedTwiceOnOneHostIsReportedWherever() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - id: p1
                  host: 127.0.0.1
                  peerPort: 7001
                  clientPort: 7001
                - id: p2
                  host: 127.0.0.1
                  peerPort: 7101
                  clientPort: 7102
                - id: p3
                  host: 127.0.0.1
                  peerPort: 7101
                  clientPort: 7103
                - id: p4
                  host: 127.0.0.2
                  peerPort: 7001
                  clientPort: 7101
            member: p1
            dataDir: /d
            """);

    assertThat(problems)
        .containsExactly(
            new Problem(
                "cluster.peers[0].clientPort",
                7,
                "127.0.0.1:7001 is already used by cluster.peers[0].peerPort"),
            new Problem(
                "cluster.peers[2].peerPort",
                14,
                "127.0.0.1:7101 is already used by cluster.peers[1].peerPort"));
  }

  @Test
  void portsOutOfRangeAreReported() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - id: p1
                  host: h1
                  peerPort: 0
                  clientPort: 65536
                - id: p2
                  host: h2
                  peerPort: -7
                  clientPort: 99999999999
            member: p1
            dataDir: /d
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.peers[0].peerPort", 6, "must be 1..65535, was 0"),
            new Problem("cluster.peers[0].clientPort", 7, "must be 1..65535, was 65536"),
            new Problem("cluster.peers[1].peerPort", 10, "must be 1..65535, was -7"),
            new Problem("cluster.peers[1].clientPort", 11, "too large: at most 2147483647"));
  }

  @Test
  void badDurationsSayWhatIsExpected() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
            member: p1
            dataDir: /d
            raft:
              electionTimeoutMin: 1000
              electionTimeoutMax: 2 sec
            requests:
              timeout: soon
            server:
              shutdownGrace: 0.5s
            """);

    assertThat(problems)
        .containsExactly(
            new Problem(
                "raft.electionTimeoutMin", 7, "missing unit in '1000': write e.g. 1000s or 1000ms"),
            new Problem(
                "raft.electionTimeoutMax", 8, "unknown unit 'sec' in '2 sec': use ms, s, m or h"),
            new Problem(
                "requests.timeout",
                10,
                "expected a duration such as 500ms, 10s, 2m or 1h, got 'soon'"),
            new Problem(
                "server.shutdownGrace",
                12,
                "whole numbers only, e.g. 1500ms instead of 1.5s, got '0.5s'"));
  }

  @Test
  void aBadHttpPortIsReportedAtItsLine() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
            member: p1
            dataDir: /d
            server:
              httpPort: 70000
              httpBindHost: ''
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("server.httpPort", 7, "must be 0 (off) or 1..65535, was 70000"),
            new Problem("server.httpBindHost", 8, "must not be empty"));
  }

  @Test
  void badSizesSayWhatIsExpected() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
            member: p1
            dataDir: /d
            raft:
              logSegmentBytes: 8mb
            requests:
              maxKeyBytes: 4k
              maxValueBytes: 2GiB
            watch:
              historyBytes: 64 megabytes
              maxPendingBytes: -1
            """);

    assertThat(problems)
        .containsExactly(
            new Problem(
                "raft.logSegmentBytes",
                7,
                "'mb' is ambiguous (powers of 1000 or of 1024?): write 8MiB or a plain number of"
                    + " bytes"),
            new Problem(
                "requests.maxKeyBytes",
                9,
                "'k' is ambiguous (powers of 1000 or of 1024?): write 4KiB or a plain number of"
                    + " bytes"),
            new Problem("requests.maxValueBytes", 10, "too large: at most 2147483647 bytes"),
            new Problem(
                "watch.historyBytes",
                12,
                "unknown unit 'megabytes': use a plain number of bytes, KiB, MiB, GiB or TiB"),
            new Problem("watch.maxPendingBytes", 13, "too small: at least 0 bytes"));
  }

  @Test
  void crossFieldProblemsAreAtTheirFieldOrElseTheirSection() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
            member: p2
            dataDir: /d
            raft:
              electionTimeoutMin: 2s
              electionTimeoutMax: 2s
            requests:
              maxValueBytes: 4MiB
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("member", 4, "'p2' is not one of the peers"),
            new Problem("raft.electionTimeoutMax", 8, "must be greater than electionTimeoutMin"),
            new Problem(
                "requests.maxRequestBytes",
                9,
                "must be at least maxKeyBytes + maxValueBytes + 1024"));
  }

  private static final String THREE_PEERS =
      """
      cluster:
        name: c1
        peers:
          - {id: p1, host: h1, peerPort: 7001, clientPort: 7101}
          - {id: p2, host: h2, peerPort: 7001, clientPort: 7101}
          - {id: p3, host: h3, peerPort: 7001, clientPort: 7101}
      """;

  private static final String MEMBER =
      """
      member: p1
      dataDir: /d
      """;

  @Test
  void aPrimaryThatIsNotAWholeNumberIsReported() {
    assertOnly(
        THREE_PEERS + "  primary: p1\n" + MEMBER,
        "cluster.primary",
        7,
        "expected a whole number, got 'p1'");
    assertOnly(
        THREE_PEERS + "  primary: [1]\n" + MEMBER,
        "cluster.primary",
        7,
        "expected a whole number, got a list");
  }

  @Test
  void aPrimaryThatIsNotAPeerIndexIsReportedAtItsLine() {
    assertThat(only(THREE_PEERS + "  primary: 0\n" + MEMBER))
        .isEqualTo(new Problem("cluster.primary", 7, "must be a peer index, 1 to 3, was 0"));
    assertThat(only(THREE_PEERS + "  primary: 4\n" + MEMBER))
        .isEqualTo(new Problem("cluster.primary", 7, "must be a peer index, 1 to 3, was 4"));
    assertThat(only(THREE_PEERS + "  primary: -1\n" + MEMBER))
        .isEqualTo(new Problem("cluster.primary", 7, "must be a peer index, 1 to 3, was -1"));
  }

  @Test
  void anUnknownWritePolicyListsTheAllowedValues() {
    assertThat(only(THREE_PEERS + "  writePolicy: leader\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.writePolicy",
                7,
                "unknown value 'leader': use PRIMARY_ONLY or ANY_LEADER"));
    assertThat(only(THREE_PEERS + "  writePolicy: [ANY_LEADER]\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.writePolicy", 7, "expected PRIMARY_ONLY or ANY_LEADER, got a list"));
    assertThat(only(THREE_PEERS + "  writePolicy:\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.writePolicy", 7, "has no value; expected PRIMARY_ONLY or ANY_LEADER"));
  }

  @Test
  void unknownTlsModesAndIpVersionsListTheAllowedValues() {
    assertThat(only(THREE_PEERS + "  tlsMode: strict\n" + MEMBER))
        .isEqualTo(
            new Problem("cluster.tlsMode", 7, "unknown value 'strict': use PERMISSIVE or ENFORCE"));
    assertThat(only(THREE_PEERS + "  ipVersion: 6\n" + MEMBER))
        .isEqualTo(new Problem("cluster.ipVersion", 7, "unknown value '6': use IPV4 or IPV6"));
    assertThat(only(THREE_PEERS + "  tlsMode:\n" + MEMBER))
        .isEqualTo(
            new Problem("cluster.tlsMode", 7, "has no value; expected PERMISSIVE or ENFORCE"));
  }

  @Test
  void badOptionKeysAreReportedAtTheirOwnLines() {
    List<Problem> problems =
        problems(
            THREE_PEERS
                + """
                  optionKeys:
                    - k1
                    - ""
                    - k1
                """
                + MEMBER);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.optionKeys[1]", 9, "must not be empty"),
            new Problem("cluster.optionKeys[2]", 10, "duplicate option key 'k1'"));
    assertThat(only(THREE_PEERS + "  optionKeys: k1\n" + MEMBER))
        .isEqualTo(new Problem("cluster.optionKeys", 7, "expected a list of strings, got 'k1'"));
    assertThat(only(THREE_PEERS + "  optionKeys:\n    - [k1]\n    - k2\n" + MEMBER))
        .isEqualTo(new Problem("cluster.optionKeys[0]", 8, "expected a string, got a list"));
    assertThat(only(THREE_PEERS + "  optionKeys:\n    -\n" + MEMBER))
        .isEqualTo(new Problem("cluster.optionKeys[0]", 8, "expected a string, got no value"));
  }

  @Test
  void badFactoryResetKeepsAreReportedAtTheirOwnLines() {
    List<Problem> problems =
        problems(
            THREE_PEERS
                + """
                  factoryResetKeeps:
                    - network
                    - ""
                    - 9lives
                    - network
                """
                + MEMBER);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.factoryResetKeeps[1]", 9, "must not be empty"),
            new Problem(
                "cluster.factoryResetKeeps[2]",
                10,
                "'9lives' is not a valid table name ([A-Za-z][A-Za-z0-9_.-]{0,63})"),
            new Problem("cluster.factoryResetKeeps[3]", 11, "duplicate table 'network'"));
    assertThat(only(THREE_PEERS + "  factoryResetKeeps: network\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.factoryResetKeeps", 7, "expected a list of strings, got 'network'"));
    assertThat(only(THREE_PEERS + "  factoryResetKeeps:\n    - {a: b}\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.factoryResetKeeps[0]", 8, "expected a string, got a section of keys"));
  }

  @Test
  void badFactoryResetRemovesAreReportedAtTheirOwnLines() {
    List<Problem> problems =
        problems(
            THREE_PEERS
                + """
                  factoryResetRemoves:
                    - /tls/ca.pem
                    - " "
                    - /tls/../tls/ca.pem
                    - "/tls/a\\0b"
                """
                + MEMBER);

    assertThat(problems)
        .extracting(Problem::field, Problem::line)
        .containsExactly(tuple("cluster.factoryResetRemoves[3]", 11));
    assertThat(problems.get(0).message()).contains("Nul character");
    assertThat(
            problems(
                THREE_PEERS
                    + """
                      factoryResetRemoves:
                        - /tls/ca.pem
                        - " "
                        - /tls/../tls/ca.pem
                    """
                    + MEMBER))
        .containsExactly(
            new Problem("cluster.factoryResetRemoves[1]", 9, "must not be empty"),
            new Problem(
                "cluster.factoryResetRemoves[2]", 10, "duplicate file '/tls/../tls/ca.pem'"));
    assertThat(only(THREE_PEERS + "  factoryResetRemoves: /tls/ca.pem\n" + MEMBER))
        .isEqualTo(
            new Problem(
                "cluster.factoryResetRemoves", 7, "expected a list of paths, got '/tls/ca.pem'"));
    assertThat(only(THREE_PEERS + "  factoryResetRemoves:\n    -\n" + MEMBER))
        .isEqualTo(
            new Problem("cluster.factoryResetRemoves[0]", 8, "expected a path, got no value"));
  }

  @Test
  void joinCheckFieldsAreCheckedAtTheirLines() {
    List<Problem> problems =
        problems(
            THREE_PEERS
                + """
                  platform: ""
                  softwareVersion: " "
                  maxRoundTrip: 0ms
                """
                + MEMBER);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.platform", 7, "must not be empty"),
            new Problem("cluster.softwareVersion", 8, "must not be empty"),
            new Problem("cluster.maxRoundTrip", 9, "must be a positive duration"));
    assertThat(only(THREE_PEERS + "  maxRoundTrip: 80\n" + MEMBER).message())
        .startsWith("missing unit in '80'");
  }

  @Test
  void primaryAndWritePolicyProblemsComeWithTheOthers() {
    List<Problem> problems =
        problems(
            THREE_PEERS
                + """
                  primary: 5
                  writePolicy: any-leader
                member: p9
                dataDir: /d
                raft:
                  electionTimeoutMin: 1000
                """);

    assertThat(problems)
        .containsExactly(
            new Problem("cluster.primary", 7, "must be a peer index, 1 to 3, was 5"),
            new Problem(
                "cluster.writePolicy",
                8,
                "unknown value 'any-leader': use PRIMARY_ONLY or ANY_LEADER"),
            new Problem("member", 9, "'p9' is not one of the peers"),
            new Problem(
                "raft.electionTimeoutMin",
                12,
                "missing unit in '1000': write e.g. 1000s or 1000ms"));
  }

  @Test
  void aPrimaryIsNotCheckedAgainstPeersThatCouldNotBeRead() {
    assertOnly(
        "cluster:\n  name: c1\n  peers: p1\n  primary: 2\n" + MEMBER,
        "cluster.peers",
        3,
        "expected a list, got 'p1'");
    assertOnly(
        "cluster:\n  name: c1\n  peers: []\n  primary: 2\n" + MEMBER,
        "cluster.peers",
        3,
        "at least one peer is required");
  }

  @Test
  void aComparisonWithAMalformedFieldIsNotReported() {
    assertOnly(
        """
        cluster:
          name: c1
          peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
        member: p1
        dataDir: /d
        raft:
          electionTimeoutMin: 500
          electionTimeoutMax: 800ms
        """,
        "raft.electionTimeoutMin",
        7,
        "missing unit");
  }

  @Test
  void embeddedMemberProblemsUseTheFileNames() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: "not a name"
              peers:
                - {id: "bad id", host: h1, peerPort: 7001, clientPort: 7101}
            member: "bad id"
            dataDir: /d
            raft:
              snapshotsRetained: 0
            requests:
              maxTxnOps: 0
            watch:
              historyRevisions: 0
            """);

    assertThat(problems)
        .extracting(Problem::field, Problem::line)
        .containsExactly(
            tuple("cluster.name", 2),
            tuple("cluster.peers[0].id", 4),
            tuple("member", 5),
            tuple("raft.snapshotsRetained", 8),
            tuple("requests.maxTxnOps", 10),
            tuple("watch.historyRevisions", 12));
  }

  @Test
  void duplicateKeysAreReported() {
    assertOnly(
        """
        cluster:
          name: c1
          peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
        member: p1
        dataDir: /d
        member: p2
        """,
        "member",
        6,
        "duplicate key; first set at line 4");
  }

  @Test
  void aBadPeerEntryIsReportedOnceAndKeepsTheOthersIndexes() {
    List<Problem> problems =
        problems(
            """
            cluster:
              name: c1
              peers:
                - p1
                - {id: p2, host: h1, peerPort: 7001, clientPort: 7001}
            member: p2
            dataDir: /d
            """);

    assertThat(problems)
        .containsExactly(
            new Problem(
                "cluster.peers[0]",
                4,
                "expected a peer (id, host, peerPort, clientPort), got 'p1'"),
            new Problem(
                "cluster.peers[1].clientPort",
                5,
                "h1:7001 is already used by cluster.peers[1].peerPort"));
  }

  @Test
  void emptyDataDirIsReported() {
    assertOnly(
        """
        cluster:
          name: c1
          peers: [{id: p1, host: h1, peerPort: 7001, clientPort: 7101}]
        member: p1
        dataDir: ""
        """,
        "dataDir",
        5,
        "must not be empty");
  }

  @Test
  void noEditOfAValidFileThrowsAnythingButConfigException() {
    String valid = ConfigLoaderTest.fixture("full.yaml");
    String inserts = ":-[{\t\"&\u0000\n0";
    int rejected = 0;
    for (int i = 0; i < valid.length(); i++) {
      List<String> edits = new ArrayList<>();
      edits.add(valid.substring(0, i) + valid.substring(i + 1));
      for (char c : inserts.toCharArray()) {
        edits.add(valid.substring(0, i) + c + valid.substring(i));
      }
      for (String edited : edits) {
        try {
          ConfigLoader.parse(edited, "edited.yaml");
        } catch (ConfigException e) {
          assertThat(e.getMessage().lines()).hasSize(e.problems().size());
          rejected++;
        }
      }
    }
    assertThat(rejected).isPositive();
  }

  @Test
  void unreadableFileIsOneProblem() {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).containsExactly(new Problem("file", 0, "no such file"));
              assertThat(e.getMessage()).isEqualTo(missing + ": file: no such file");
            });
  }

  @Test
  void fileThatIsNotUtf8IsOneProblem() throws IOException {
    Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9});

    assertThatThrownBy(() -> ConfigLoader.load(latin1))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems()).containsExactly(new Problem("file", 0, "not UTF-8 text")));
  }

  @Test
  void loadNamesTheFileInEveryLine() throws IOException {
    Path file =
        Files.writeString(dir.resolve("p1.yaml"), ConfigLoaderTest.fixture("four-problems.yaml"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

    assertThat(e.getMessage().lines()).hasSize(4).allMatch(l -> l.startsWith(file + ":"));
  }
}
