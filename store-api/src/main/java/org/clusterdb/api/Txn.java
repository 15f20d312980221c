package org.clusterdb.api;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A transaction: if every compare holds, run the success ops, else the failure ops; atomically, as
 * one revision. All tables of a transaction must have the same scope.
 *
 * <p>Within a branch ops run in order and later ops see the writes of earlier ones; a key may be
 * written by at most one op of a branch. Immutable; build with {@code
 * Txn.when(...).then(...).otherwise(...)}.
 */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) {
  public Txn {
    compares = List.copyOf(compares);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }

  /** A transaction without compares: the success ops always run. */
  public static Txn of(Op... ops) {
    return new Txn(List.of(), Arrays.asList(ops), List.of());
  }

  public static Txn when(Compare... compares) {
    return new Txn(Arrays.asList(compares), List.of(), List.of());
  }

  public Txn then(Op... ops) {
    return new Txn(compares, Arrays.asList(ops), failure);
  }

  public Txn otherwise(Op... ops) {
    return new Txn(compares, success, Arrays.asList(ops));
  }

  /** Every table the transaction touches, in first-use order, without repeats. */
  public List<String> tables() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    compares.forEach(c -> names.add(c.table()));
    success.forEach(o -> names.add(o.table()));
    failure.forEach(o -> names.add(o.table()));
    return List.copyOf(names);
  }
}
