package org.clusterdb.chaos.history;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An invoke paired with its completion, if the history has one.
 *
 * @param invoke the {@link Op.Type#INVOKE} event
 * @param completion the matching completion; empty if the history ends before the process completed
 *     the operation, which is as indeterminate as an {@link Op.Type#INFO} completion
 */
public record Operation(Op invoke, Optional<Op> completion) {
  public Operation {
    Objects.requireNonNull(invoke, "invoke");
    Objects.requireNonNull(completion, "completion");
    if (invoke.type() != Op.Type.INVOKE) {
      throw new IllegalArgumentException("invoke: must be an INVOKE, was " + invoke.type());
    }
  }

  /** True if the operation surely took effect. */
  public boolean ok() {
    return completion.map(c -> c.type() == Op.Type.OK).orElse(false);
  }

  /** True if the operation surely did not take effect. */
  public boolean failed() {
    return completion.map(c -> c.type() == Op.Type.FAIL).orElse(false);
  }

  /** True if the operation may or may not have taken effect: completed INFO, or never completed. */
  public boolean indeterminate() {
    return completion.map(c -> c.type() == Op.Type.INFO).orElse(true);
  }

  /**
   * A short human-readable form, e.g. {@code p3 read k -> "2" [12..17]} or {@code p1 write k "5"
   * info [3..9]}.
   */
  public String describe() {
    StringBuilder s =
        new StringBuilder().append('p').append(invoke.process()).append(' ').append(fn());
    switch (invoke.f()) {
      case READ -> {
        if (ok()) {
          s.append(" -> ").append(Op.quote(completion.get().value()));
        }
      }
      case WRITE -> s.append(' ').append(Op.quote(invoke.value()));
      case CAS ->
          s.append(' ')
              .append(Op.quote(invoke.expected()))
              .append("->")
              .append(Op.quote(invoke.value()));
    }
    String outcome =
        completion.map(c -> c.type().name().toLowerCase(Locale.ROOT)).orElse("pending");
    s.append(' ').append(outcome).append(" [").append(invoke.index()).append("..");
    s.append(completion.map(c -> Long.toString(c.index())).orElse("")).append(']');
    return s.toString();
  }

  private String fn() {
    return invoke.f().name().toLowerCase(Locale.ROOT) + ' ' + invoke.key();
  }
}
