/**
 * A linearizability checker for histories of per-key registers, in the manner of Jepsen's Knossos
 * and Porcupine: {@link org.clusterdb.chaos.checker.LinearizabilityChecker} splits a {@link
 * org.clusterdb.chaos.history.History} by key and searches each key for a linearization, answering
 * {@link org.clusterdb.chaos.checker.Outcome#VALID}, {@link
 * org.clusterdb.chaos.checker.Outcome#INVALID} (with an {@link org.clusterdb.chaos.checker.Anomaly}
 * a human can read) or, when the budget of {@link org.clusterdb.chaos.checker.CheckerConfig} runs
 * out, {@link org.clusterdb.chaos.checker.Outcome#UNKNOWN}.
 *
 * <p>Stability: internal to the chaos tests.
 */
package org.clusterdb.chaos.checker;
