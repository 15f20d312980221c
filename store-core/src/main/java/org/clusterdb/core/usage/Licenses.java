package org.clusterdb.core.usage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The licences the appliance pools across a cluster (call licences, rich media sessions, room and
 * desktop registrations): each peer's count adds to the cluster's; every other option key must be
 * the same on every peer (the join check). Pure.
 */
public final class Licenses {
  public static final String TRAVERSAL_CALLS = "traversal-calls";
  public static final String NON_TRAVERSAL_CALLS = "non-traversal-calls";
  public static final String RICH_MEDIA_SESSIONS = "rich-media-sessions";
  public static final String ROOM_REGISTRATIONS = "room-registrations";
  public static final String DESKTOP_REGISTRATIONS = "desktop-registrations";

  /** The pooled option keys. */
  public static final Set<String> POOLED =
      Set.of(
          TRAVERSAL_CALLS,
          NON_TRAVERSAL_CALLS,
          RICH_MEDIA_SESSIONS,
          ROOM_REGISTRATIONS,
          DESKTOP_REGISTRATIONS);

  private Licenses() {}

  /**
   * The pooled licences among {@code optionKeys} ({@code name=count}; a bare {@code name} counts
   * one), by name. Other keys are ignored.
   *
   * @throws IllegalArgumentException for a pooled key whose count is not a number {@code >= 0}
   */
  public static Map<String, Long> pooled(Set<String> optionKeys) {
    Map<String, Long> out = new TreeMap<>();
    for (String key : optionKeys) {
      int eq = key.indexOf('=');
      String name = (eq < 0 ? key : key.substring(0, eq)).trim();
      if (!POOLED.contains(name)) {
        continue;
      }
      long count;
      try {
        count = eq < 0 ? 1 : Long.parseLong(key.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "optionKeys: '" + key + "': the count of a pooled licence must be a number");
      }
      if (count < 0) {
        throw new IllegalArgumentException(
            "optionKeys: '" + key + "': the count of a pooled licence must be >= 0");
      }
      out.merge(name, count, Long::sum);
    }
    return out;
  }

  /**
   * The licence keys that limit {@code kind}: registrations by room and desktop registration
   * licences, RMS by rich media sessions, calls by call licences. Empty: not licensed.
   */
  public static List<String> limiting(String kind) {
    if (Capacity.REGISTRATIONS.equals(kind)) {
      return List.of(ROOM_REGISTRATIONS, DESKTOP_REGISTRATIONS);
    }
    if (Capacity.RMS.equals(kind)) {
      return List.of(RICH_MEDIA_SESSIONS);
    }
    if (Capacity.isCall(kind)) {
      return List.of(TRAVERSAL_CALLS, NON_TRAVERSAL_CALLS);
    }
    return List.of();
  }

  /**
   * Whether {@code kind} may be used only under licence even when no peer has one: registrations
   * and RMS. Calls need call licences only on a cluster that has any (as the VCS has); the others
   * are limited by capacity alone.
   */
  public static boolean required(String kind) {
    return Capacity.REGISTRATIONS.equals(kind) || Capacity.RMS.equals(kind);
  }
}
