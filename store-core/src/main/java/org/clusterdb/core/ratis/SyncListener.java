package org.clusterdb.core.ratis;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Hears the synchronisation-check markers as this replica applies them. Implementations return
 * quickly and hand slow work elsewhere.
 */
public interface SyncListener {
  /**
   * This replica digested its cluster tables as of the check entry at {@code checkIndex}. Called on
   * the digest thread, in check order.
   */
  void onDigest(long checkIndex, byte[] digest);

  /**
   * The primary reported its digest for the check at {@code checkIndex}; called on the apply
   * thread. {@code own} completes with this replica's digest for it (digests are computed off the
   * apply thread), fails if the digest was abandoned because the store closed, and is empty if this
   * replica has none (it started or installed a snapshot after that check).
   */
  void onReport(
      long checkIndex,
      String primaryId,
      byte[] primaryDigest,
      Optional<CompletionStage<byte[]>> own);

  SyncListener NONE =
      new SyncListener() {
        @Override
        public void onDigest(long checkIndex, byte[] digest) {}

        @Override
        public void onReport(
            long checkIndex,
            String primaryId,
            byte[] primaryDigest,
            Optional<CompletionStage<byte[]>> own) {}
      };
}
