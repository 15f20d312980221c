package org.clusterdb.core.usage;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The appliance's capacity table and its cluster rule. The table gives each platform's figures for
 * a cluster of four peers; a peer holds a quarter of them, and a cluster the per-peer figure times
 * the number of its peers up to four: the fifth and sixth add resilience, not capacity. A Small VM
 * cluster is for redundancy only, so its figures are one peer's whatever the peer count.
 *
 * <p>Calls share one pool of call slots: an audio call takes one, a video call as many as the audio
 * figure over the video figure (two on the larger platforms), and on a Small VM an MRA video call
 * twice a video call's. Pure: no clock, no I/O.
 */
public final class Capacity {
  /** Usage kinds, as counters in a peer's usage row. */
  public static final String REGISTRATIONS = "registrations";

  public static final String VIDEO_CALLS = "video-calls";
  public static final String MRA_VIDEO_CALLS = "mra-video-calls";
  public static final String AUDIO_CALLS = "audio-calls";
  public static final String RMS = "rms";
  public static final String MRA_REGISTRATIONS = "mra-registrations";
  public static final String TURN_RELAYS = "turn-relays";

  /** The platforms of the capacity table, with its four-peer figures. */
  public enum Model {
    CE1200("CE1200", true, 20_000, 2000, 2000, 4000, 2000, 20_000, 24_000),
    LARGE_VM("Large VM", true, 20_000, 2000, 2000, 4000, 2000, 10_000, 24_000),
    MEDIUM_VM("Medium VM", true, 10_000, 400, 400, 800, 400, 10_000, 7200),
    SMALL_VM("Small VM", false, 2000, 40, 20, 40, 75, 200, 1800);

    final String label;
    final boolean scales;
    final long registrations;
    final long videoCalls;
    final long mraVideoCalls;
    final long audioCalls;
    final long rms;
    final long mraRegistrations;
    final long turnRelays;

    Model(
        String label,
        boolean scales,
        long registrations,
        long videoCalls,
        long mraVideoCalls,
        long audioCalls,
        long rms,
        long mraRegistrations,
        long turnRelays) {
      this.label = label;
      this.scales = scales;
      this.registrations = registrations;
      this.videoCalls = videoCalls;
      this.mraVideoCalls = mraVideoCalls;
      this.audioCalls = audioCalls;
      this.rms = rms;
      this.mraRegistrations = mraRegistrations;
      this.turnRelays = turnRelays;
    }

    /** The name the appliance gives the platform, e.g. {@code Large VM}. */
    public String label() {
      return label;
    }

    /**
     * The model a peer's platform names, in any letter case, with spaces, '-' or '_' between the
     * words ({@code Large VM}, {@code large-vm}, {@code LARGE_VM}); empty for a platform the table
     * does not list (such as the plain classes {@code Appliance} and {@code VM}).
     */
    public static Optional<Model> of(String platform) {
      if (platform == null) {
        return Optional.empty();
      }
      String p = platform.trim().replaceAll("[ _-]+", "").toLowerCase(Locale.ROOT);
      for (Model m : values()) {
        if (m.label.replace(" ", "").toLowerCase(Locale.ROOT).equals(p)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A cluster's figures.
   *
   * @param model the platform
   * @param peers the peers counted
   * @param counted the peers that add capacity: {@code min(peers, 4)}, or 1 on a Small VM
   */
  public record Figures(
      Model model,
      int peers,
      int counted,
      long registrations,
      long videoCalls,
      long mraVideoCalls,
      long audioCalls,
      long rms,
      long mraRegistrations,
      long turnRelays) {

    /** The figures by usage kind, in the table's order; calls as the pool of call slots. */
    public Map<String, Long> byKind() {
      Map<String, Long> m = new LinkedHashMap<>();
      m.put(REGISTRATIONS, registrations);
      m.put(VIDEO_CALLS, videoCalls);
      m.put(MRA_VIDEO_CALLS, mraVideoCalls);
      m.put(AUDIO_CALLS, audioCalls);
      m.put(RMS, rms);
      m.put(MRA_REGISTRATIONS, mraRegistrations);
      m.put(TURN_RELAYS, turnRelays);
      return m;
    }

    /** Call slots: the audio figure. */
    public long callSlots() {
      return audioCalls;
    }
  }

  private Capacity() {}

  /** The most peers that add capacity. */
  public static final int MAX_SCALING_PEERS = 4;

  /** The figures of a cluster of {@code peers} peers of {@code model}. */
  public static Figures of(Model model, int peers) {
    if (peers < 1) {
      throw new IllegalArgumentException("peers: must be at least 1, got " + peers);
    }
    int counted = model.scales ? Math.min(peers, MAX_SCALING_PEERS) : 1;
    int share = model.scales ? MAX_SCALING_PEERS : 1;
    return new Figures(
        model,
        peers,
        counted,
        model.registrations / share * counted,
        model.videoCalls / share * counted,
        model.mraVideoCalls / share * counted,
        model.audioCalls / share * counted,
        model.rms / share * counted,
        model.mraRegistrations / share * counted,
        model.turnRelays / share * counted);
  }

  /** Whether {@code kind} draws on the shared pool of call slots. */
  public static boolean isCall(String kind) {
    return VIDEO_CALLS.equals(kind) || MRA_VIDEO_CALLS.equals(kind) || AUDIO_CALLS.equals(kind);
  }

  /** Call slots one call of {@code kind} takes on {@code model}. */
  public static long slots(Model model, String kind) {
    return switch (kind) {
      case AUDIO_CALLS -> 1;
      case VIDEO_CALLS -> model.audioCalls / model.videoCalls;
      case MRA_VIDEO_CALLS -> model.audioCalls / model.mraVideoCalls;
      default -> throw new IllegalArgumentException("not a call kind: " + kind);
    };
  }
}
