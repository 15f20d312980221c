package org.clusterdb.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.ReadOptions;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.core.audit.AuditLog;
import org.clusterdb.core.fsm.AuditTrail;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.proto.log.v1.AuditRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clusterdb audit [--table T] [--since REVISION] [--limit N]}: the audit table. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "List audited configuration changes, oldest first: who changed which key of which table,"
          + " from where, and its value before and after ('***' for a sensitive table).",
      "Read from the cluster table "
          + TableNames.AUDIT
          + ", which keeps the latest 10,000;"
          + " with --peer, from the first endpoint's peer table "
          + TableNames.PEER_AUDIT
          + ": changes of its peer tables and of its own clustering settings."
    })
final class AuditCommand implements Callable<Integer> {
  /** Rows fetched per read: well under the client's message size even with 1 KiB values. */
  private static final int PAGE = 500;

  @Mixin ClientOptions client;

  @Option(names = "--table", paramLabel = "TABLE", description = "Only changes of TABLE.")
  String table;

  @Option(
      names = "--peer",
      description = "The first endpoint's peer audit: its peer tables and own clustering settings.")
  boolean peer;

  @Option(
      names = "--since",
      paramLabel = "REVISION",
      defaultValue = "0",
      description = "Only changes at REVISION or later; with it, --limit keeps the first N.")
  long since;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N changes, the newest unless --since is given; 0 = all.")
  int limit;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new Main.UsageException("--limit must be >= 0");
    }
    if (since < 0) {
      throw new Main.UsageException("--since must be >= 0");
    }
    boolean newest = since == 0 && limit > 0;
    ArrayDeque<AuditRecord> shown = new ArrayDeque<>();
    String from = peer ? TableNames.PEER_AUDIT : TableNames.AUDIT;
    // A peer's audit is that peer's alone: no failing over to another.
    try (ClusterDbClient db = peer ? client.connectFirst() : client.connect()) {
      BlockingKeyValueStore store = db.blocking();
      // Rows are numbered in revision order: a range from the first, filtered by revision.
      byte[] next = AuditTrail.key(0);
      while (true) {
        RangeResult page =
            store.range(from, KeyRange.from(Bytes.wrap(next)), ReadOptions.DEFAULT.withLimit(PAGE));
        for (KeyValue kv : page.kvs()) {
          AuditRecord r = parse(kv);
          if (r.getRevision() < since || table != null && !table.equals(r.getTable())) {
            continue;
          }
          shown.addLast(r);
          if (newest && shown.size() > limit) {
            shown.removeFirst();
          } else if (!newest && limit > 0 && shown.size() == limit) {
            print(shown);
            return Main.OK;
          }
        }
        if (!page.more() || page.kvs().isEmpty()) {
          break;
        }
        byte[] last = page.kvs().get(page.kvs().size() - 1).key().toByteArray();
        // The next key after the last one read.
        next = Arrays.copyOf(last, last.length + 1);
      }
    }
    print(shown);
    return Main.OK;
  }

  private void print(Iterable<AuditRecord> rows) {
    Output out = new Output(spec.commandLine().getOut(), client.json);
    for (AuditRecord r : rows) {
      if (out.json()) {
        out.message(r);
      } else {
        out.line(line(r));
      }
    }
  }

  /** One change as a line: when, revision, who from where, through which member, and what. */
  static String line(AuditRecord r) {
    String from =
        r.getContext().getSourceIp().isEmpty()
            ? ""
            : "@" + r.getContext().getSourceIp() + ":" + r.getContext().getSourcePort();
    return Instant.ofEpochMilli(r.getContext().getTimeMillis())
        + "  revision "
        + r.getRevision()
        + "  "
        + r.getContext().getUser()
        + from
        + " via "
        + r.getContext().getMemberId()
        + "  "
        + AuditLog.detail(r);
  }

  private static AuditRecord parse(KeyValue kv) {
    try {
      return AuditRecord.parseFrom(kv.value().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "an audit row at key " + kv.key() + " is not an AuditRecord: " + e.getMessage(), e);
    }
  }
}
