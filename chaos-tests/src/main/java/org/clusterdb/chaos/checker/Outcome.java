package org.clusterdb.chaos.checker;

/** The three-valued result of a linearizability check. */
public enum Outcome {
  /** A linearization exists: every operation can be ordered consistently with the register. */
  VALID,
  /** No linearization exists: the history shows an anomaly. */
  INVALID,
  /**
   * The search ran out of budget (states or time) before finding either; says nothing about the
   * history. Raise the budget or check shorter histories per key.
   */
  UNKNOWN;

  /**
   * The outcome of several independent checks: INVALID if any is, otherwise UNKNOWN if any is,
   * otherwise VALID.
   */
  public Outcome and(Outcome other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    if (this == UNKNOWN || other == UNKNOWN) {
      return UNKNOWN;
    }
    return VALID;
  }
}
