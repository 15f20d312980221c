package org.clusterdb.api;

/** What an account may do once the cluster requires authentication. */
public enum Role {
  /** Everything: reads, writes, tables, accounts and cluster operations. */
  ADMIN,
  /** Reads and watches only; every change is refused with {@link ErrorCode#PERMISSION_DENIED}. */
  READONLY
}
