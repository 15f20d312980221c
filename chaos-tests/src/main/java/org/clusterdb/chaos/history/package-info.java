/**
 * Jepsen-style histories of register operations: {@link org.clusterdb.chaos.history.Op} (one invoke
 * or completion), {@link org.clusterdb.chaos.history.History} (an ordered, validated list of them),
 * {@link org.clusterdb.chaos.history.Operation} (an invoke paired with its completion), and the two
 * file formats, JSON lines ({@link org.clusterdb.chaos.history.HistoryJson}) and Jepsen's EDN
 * ({@link org.clusterdb.chaos.history.HistoryEdn}).
 *
 * <p>Completion semantics, as in Jepsen: {@code ok} took effect, {@code fail} surely did not,
 * {@code info} (or no completion at all) may have taken effect at any time after the invoke.
 *
 * <p>Stability: internal to the chaos tests; the file formats are kept readable across versions.
 */
package org.clusterdb.chaos.history;
