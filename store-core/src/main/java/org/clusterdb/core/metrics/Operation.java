package org.clusterdb.core.metrics;

/**
 * The store's operations, as the {@code operation} tag of {@code clusterdb.requests} names them.
 */
public enum Operation {
  PUT("put"),
  RANGE("range"),
  DELETE_RANGE("deleteRange"),
  TXN("txn"),
  CREATE_TABLE("createTable"),
  DROP_TABLE("dropTable"),
  LIST_TABLES("listTables"),
  WATCH("watch");

  private final String tag;

  Operation(String tag) {
    this.tag = tag;
  }

  /** The tag value: the method's name in the store's API. */
  public String tag() {
    return tag;
  }
}
