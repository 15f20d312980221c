package org.clusterdb.api;

import java.util.List;
import java.util.Objects;

/**
 * The result of a transaction.
 *
 * @param header the revision the transaction created, or the one it read if it wrote nothing
 * @param succeeded true when every compare held and the success branch ran
 * @param results one result per op of the branch that ran, in order
 */
public record TxnResult(Header header, boolean succeeded, List<OpResult> results) {
  public TxnResult {
    Objects.requireNonNull(header, "header");
    results = List.copyOf(results);
  }
}
