package org.clusterdb.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.Compare;
import org.clusterdb.api.DeleteResult;
import org.clusterdb.api.KeyRange;
import org.clusterdb.api.KeyValue;
import org.clusterdb.api.Op;
import org.clusterdb.api.OpResult;
import org.clusterdb.api.PutResult;
import org.clusterdb.api.RangeResult;
import org.clusterdb.api.Txn;
import org.clusterdb.api.TxnResult;
import org.clusterdb.client.ClusterDbClient;
import org.clusterdb.proto.wire.WireCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clusterdb txn --if ... --then ... --else ...}: one atomic transaction.
 *
 * <p>Compares: {@code TABLE KEY TARGET OP OPERAND}, TARGET one of value, version, create, mod,
 * exists; OP one of =, !=, >, <. Ops: {@code put TABLE KEY VALUE}, {@code del TABLE KEY}, {@code
 * delprefix TABLE PREFIX}, {@code get TABLE KEY}, {@code scan TABLE PREFIX}.
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description = {
      "Run an atomic transaction: if every --if holds, the --then ops, else the --else ops.",
      "Compare: 'TABLE KEY value|version|create|mod|exists =|!=|>|< OPERAND'",
      "Op: 'put TABLE KEY VALUE' | 'del TABLE KEY' | 'delprefix TABLE PREFIX'"
          + " | 'get TABLE KEY' | 'scan TABLE PREFIX'"
    })
final class TxnCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(names = "--if", paramLabel = "COMPARE", description = "A condition; repeatable.")
  List<String> compares = new ArrayList<>();

  @Option(names = "--then", paramLabel = "OP", description = "An op run on success; repeatable.")
  List<String> success = new ArrayList<>();

  @Option(names = "--else", paramLabel = "OP", description = "An op run on failure; repeatable.")
  List<String> failure = new ArrayList<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (success.isEmpty() && failure.isEmpty()) {
      throw new Main.UsageException("a transaction needs at least one --then or --else op");
    }
    List<Compare> cs = new ArrayList<>();
    for (String c : compares) {
      cs.add(compare(c));
    }
    Txn txn = new Txn(cs, ops(success, "--then"), ops(failure, "--else"));
    try (ClusterDbClient db = client.connect()) {
      TxnResult r = db.blocking().txn(txn);
      Output out = new Output(spec.commandLine().getOut(), client.json);
      if (out.json()) {
        out.message(WireCodec.txnResponse(r));
        return Main.OK;
      }
      out.line((r.succeeded() ? "SUCCESS" : "FAILURE") + " revision=" + r.header().revision());
      for (OpResult o : r.results()) {
        if (o instanceof PutResult) {
          out.line("OK");
        } else if (o instanceof DeleteResult d) {
          out.line("deleted " + d.deleted());
        } else if (o instanceof RangeResult rr) {
          for (KeyValue kv : rr.kvs()) {
            out.line(Output.row(kv));
          }
        }
      }
    }
    return Main.OK;
  }

  static Compare compare(String text) {
    String[] w = text.trim().split("\\s+", 5);
    if (w.length != 5) {
      throw new Main.UsageException("--if '" + text + "': expected 'TABLE KEY TARGET OP OPERAND'");
    }
    String table = w[0];
    Bytes key = Bytes.of(w[1]);
    Compare.Operator op =
        switch (w[3]) {
          case "=", "==" -> Compare.Operator.EQUAL;
          case "!=" -> Compare.Operator.NOT_EQUAL;
          case ">" -> Compare.Operator.GREATER;
          case "<" -> Compare.Operator.LESS;
          default ->
              throw new Main.UsageException(
                  "--if '" + text + "': operator must be =, !=, > or <, was '" + w[3] + "'");
        };
    return switch (w[2]) {
      case "value" -> new Compare(table, key, Compare.Target.VALUE, op, Bytes.of(w[4]), 0);
      case "version" ->
          new Compare(table, key, Compare.Target.VERSION, op, null, number(text, w[4]));
      case "create" ->
          new Compare(table, key, Compare.Target.CREATE_REVISION, op, null, number(text, w[4]));
      case "mod" ->
          new Compare(table, key, Compare.Target.MOD_REVISION, op, null, number(text, w[4]));
      case "exists" -> {
        if (op != Compare.Operator.EQUAL && op != Compare.Operator.NOT_EQUAL) {
          throw new Main.UsageException("--if '" + text + "': exists compares only with = or !=");
        }
        boolean flag =
            switch (w[4]) {
              case "true" -> true;
              case "false" -> false;
              default ->
                  throw new Main.UsageException("--if '" + text + "': exists takes true or false");
            };
        yield new Compare(table, key, Compare.Target.EXISTS, op, null, flag ? 1 : 0);
      }
      default ->
          throw new Main.UsageException(
              "--if '"
                  + text
                  + "': target must be value, version, create, mod or exists, was '"
                  + w[2]
                  + "'");
    };
  }

  private static long number(String text, String n) {
    try {
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--if '" + text + "': '" + n + "' is not a number");
    }
  }

  static List<Op> ops(List<String> texts, String option) {
    List<Op> ops = new ArrayList<>();
    for (String text : texts) {
      String[] w = text.trim().split("\\s+", 4);
      int want =
          switch (w[0]) {
            case "put" -> 4;
            case "del", "delprefix", "get", "scan" -> 3;
            default ->
                throw new Main.UsageException(
                    option
                        + " '"
                        + text
                        + "': op must be put, del, delprefix, get or scan, was '"
                        + w[0]
                        + "'");
          };
      if (w.length != want) {
        throw new Main.UsageException(
            option + " '" + text + "': " + w[0] + " takes " + (want - 1) + " arguments");
      }
      ops.add(
          switch (w[0]) {
            case "put" -> Op.put(w[1], Bytes.of(w[2]), Bytes.of(w[3]));
            case "del" -> Op.delete(w[1], KeyRange.key(w[2]));
            case "delprefix" -> Op.delete(w[1], KeyRange.prefix(w[2]));
            case "get" -> Op.range(w[1], KeyRange.key(w[2]));
            default -> Op.range(w[1], KeyRange.prefix(w[2]));
          });
    }
    return ops;
  }
}
