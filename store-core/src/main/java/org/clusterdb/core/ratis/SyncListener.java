package org.clusterdb.core.ratis;

import java.util.Optional;

/**
 * Hears the synchronisation-check markers as this replica applies them. Called on the apply thread,
 * in log order: implementations return quickly and hand slow work elsewhere.
 */
public interface SyncListener {
  /** This replica digested its cluster tables as of the check entry at {@code checkIndex}. */
  void onDigest(long checkIndex, byte[] digest);

  /**
   * The primary reported its digest for the check at {@code checkIndex}; {@code own} is this
   * replica's digest for it, empty if this replica did not compute one (it started or installed a
   * snapshot after that check).
   */
  void onReport(long checkIndex, String primaryId, byte[] primaryDigest, Optional<byte[]> own);

  SyncListener NONE =
      new SyncListener() {
        @Override
        public void onDigest(long checkIndex, byte[] digest) {}

        @Override
        public void onReport(
            long checkIndex, String primaryId, byte[] primaryDigest, Optional<byte[]> own) {}
      };
}
