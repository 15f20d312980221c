package org.clusterdb.api;

import java.util.Objects;

/**
 * A condition on one key, evaluated atomically with the transaction that holds it.
 *
 * <p>A missing key has version, create revision and mod revision 0 and never equals any value.
 * Immutable; build with the static factories, e.g. {@code Compare.version("zones", k).equalTo(0)}.
 *
 * @param table the table of the key
 * @param key the key
 * @param target what about the key is compared
 * @param operator how it is compared
 * @param value the operand when the target is {@link Target#VALUE}, else null
 * @param number the operand for version and revision targets, or 1/0 for {@link Target#EXISTS}
 */
public record Compare(
    String table, Bytes key, Target target, Operator operator, Bytes value, long number) {

  /** What is compared. */
  public enum Target {
    VALUE,
    VERSION,
    CREATE_REVISION,
    MOD_REVISION,
    EXISTS
  }

  /** How it is compared. */
  public enum Operator {
    EQUAL,
    NOT_EQUAL,
    GREATER,
    LESS
  }

  public Compare {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(operator, "operator");
    if ((target == Target.VALUE) != (value != null)) {
      throw new IllegalArgumentException("value: required exactly when target is VALUE");
    }
  }

  /** Holds when the key exists. */
  public static Compare exists(String table, Bytes key) {
    return new Compare(table, key, Target.EXISTS, Operator.EQUAL, null, 1);
  }

  /** Holds when the key does not exist. */
  public static Compare absent(String table, Bytes key) {
    return new Compare(table, key, Target.EXISTS, Operator.EQUAL, null, 0);
  }

  public static ValueBuilder value(String table, Bytes key) {
    return new ValueBuilder(table, key);
  }

  public static NumberBuilder version(String table, Bytes key) {
    return new NumberBuilder(table, key, Target.VERSION);
  }

  public static NumberBuilder createRevision(String table, Bytes key) {
    return new NumberBuilder(table, key, Target.CREATE_REVISION);
  }

  public static NumberBuilder modRevision(String table, Bytes key) {
    return new NumberBuilder(table, key, Target.MOD_REVISION);
  }

  /** Second half of a value comparison. */
  public record ValueBuilder(String table, Bytes key) {
    public Compare equalTo(Bytes v) {
      return new Compare(table, key, Target.VALUE, Operator.EQUAL, v, 0);
    }

    public Compare notEqualTo(Bytes v) {
      return new Compare(table, key, Target.VALUE, Operator.NOT_EQUAL, v, 0);
    }

    public Compare greaterThan(Bytes v) {
      return new Compare(table, key, Target.VALUE, Operator.GREATER, v, 0);
    }

    public Compare lessThan(Bytes v) {
      return new Compare(table, key, Target.VALUE, Operator.LESS, v, 0);
    }
  }

  /** Second half of a version or revision comparison. */
  public record NumberBuilder(String table, Bytes key, Target target) {
    public Compare equalTo(long n) {
      return new Compare(table, key, target, Operator.EQUAL, null, n);
    }

    public Compare notEqualTo(long n) {
      return new Compare(table, key, target, Operator.NOT_EQUAL, null, n);
    }

    public Compare greaterThan(long n) {
      return new Compare(table, key, target, Operator.GREATER, null, n);
    }

    public Compare lessThan(long n) {
      return new Compare(table, key, target, Operator.LESS, null, n);
    }
  }
}
