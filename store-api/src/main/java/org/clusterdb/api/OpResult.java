package org.clusterdb.api;

/** The result of one operation; in a transaction, one per executed {@link Op}. */
public sealed interface OpResult permits PutResult, DeleteResult, RangeResult {
  /** Who served the operation and which revision it reflects. */
  Header header();
}
