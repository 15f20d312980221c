package org.clusterdb.core.fsm;

import java.util.Arrays;

/**
 * The range rule of the log format on raw keys: an empty end names the single key; an end of one
 * zero byte means every key from start on; otherwise {@code [start, end)}.
 */
public final class KeyRanges {
  private KeyRanges() {}

  public static boolean isSingleKey(byte[] end) {
    return end.length == 0;
  }

  public static boolean isUnbounded(byte[] end) {
    return end.length == 1 && end[0] == 0;
  }

  /** The exclusive scan bound: null for unbounded, else {@code end} (single keys excluded). */
  public static byte[] scanEnd(byte[] end) {
    return isUnbounded(end) ? null : end;
  }

  public static boolean contains(byte[] start, byte[] end, byte[] key) {
    if (isSingleKey(end)) {
      return Arrays.equals(start, key);
    }
    return Arrays.compareUnsigned(key, start) >= 0
        && (isUnbounded(end) || Arrays.compareUnsigned(key, end) < 0);
  }
}
