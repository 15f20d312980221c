package org.clusterdb.core.fsm;

import java.util.regex.Pattern;

/** The rule for table names, shared by both scopes. */
public final class TableNames {
  /**
   * A letter, then up to 63 letters, digits, '_', '.' or '-'. ASCII keeps the key encoding simple.
   */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  private TableNames() {}

  /** Names with this prefix belong to clusterdb itself: readable, never written by users. */
  public static final String RESERVED_PREFIX = "clusterdb.";

  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  public static boolean isReserved(String name) {
    return name != null && name.startsWith(RESERVED_PREFIX);
  }
}
