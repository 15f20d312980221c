package org.clusterdb.examples.appliance;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A search rule: aliases matching {@code pattern} are routed to {@code targetZone}; lower {@code
 * priority} is tried first. Stored in the {@code search_rules} cluster table under its name, as
 * {@code priority|targetZone|pattern}.
 */
public record SearchRule(String name, int priority, String pattern, String targetZone) {
  public SearchRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(targetZone, "targetZone");
    if (priority < 1 || priority > 65534) {
      throw new IllegalArgumentException("priority: must be 1..65534, was " + priority);
    }
    if (targetZone.contains("|")) {
      throw new IllegalArgumentException("targetZone: must not contain '|'");
    }
    try {
      Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pattern: not a regular expression: " + e.getMessage());
    }
  }

  String encode() {
    return priority + "|" + targetZone + "|" + pattern;
  }

  static SearchRule decode(String name, String stored) {
    String[] parts = stored.split("\\|", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("search rule " + name + ": unreadable '" + stored + "'");
    }
    return new SearchRule(name, Integer.parseInt(parts[0]), parts[2], parts[1]);
  }
}
