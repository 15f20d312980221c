package org.clusterdb.core.storage;

/**
 * The local state store failed (I/O error, corruption). Not a business failure: the member cannot
 * go on safely with this store.
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
