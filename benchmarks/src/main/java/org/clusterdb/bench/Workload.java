package org.clusterdb.bench;

import java.util.Arrays;
import java.util.List;

/** The workloads of a run, in the order they run against each system. */
public enum Workload {
  WRITE_1("write-1", "write, 1 in flight", Kind.THROUGHPUT, 1),
  WRITE_64("write-64", "write, 64 in flight", Kind.THROUGHPUT, 64),
  READ_1("read-1", "linearizable read, 1 in flight", Kind.THROUGHPUT, 1),
  READ_64("read-64", "linearizable read, 64 in flight", Kind.THROUGHPUT, 64),
  LOCAL_READ_64("local-read-64", "local (LOCAL) read, 64 in flight", Kind.THROUGHPUT, 64),
  MIXED_64("mixed-64", "90% linearizable read / 10% write, 64 in flight", Kind.THROUGHPUT, 64),
  WATCH("watch", "watch delivery: write to event at a watcher, 1 write in flight", Kind.LATENCY, 1),
  FAILOVER(
      "failover",
      "failover: kill -9 of the leader under 16 writes in flight, to the next acknowledged write",
      Kind.TIME,
      16),
  RESYNC(
      "resync",
      "resync: a wiped peer of 100 MiB (1,600 × 64 KiB), from its restart to a linearizable read"
          + " there",
      Kind.TIME,
      16);

  /** How a workload's result reads: higher ops/s is better, or lower latency/time is. */
  public enum Kind {
    /** ops/s and latency percentiles; higher ops/s is better. */
    THROUGHPUT,
    /** latency percentiles of events; lower p99 is better. */
    LATENCY,
    /** one duration in seconds; lower is better. */
    TIME
  }

  private final String id;
  private final String title;
  private final Kind kind;
  private final int inFlight;

  Workload(String id, String title, Kind kind, int inFlight) {
    this.id = id;
    this.title = title;
    this.kind = kind;
    this.inFlight = inFlight;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public Kind kind() {
    return kind;
  }

  public int inFlight() {
    return inFlight;
  }

  /** The workload named {@code id}; fails naming the known ids. */
  public static Workload byId(String id) {
    for (Workload w : values()) {
      if (w.id.equals(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '"
            + id
            + "'; known: "
            + Arrays.stream(values()).map(Workload::id).toList());
  }

  public static List<Workload> all() {
    return List.of(values());
  }
}
