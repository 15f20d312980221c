package org.clusterdb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The results of all runs, reduced to one median row per system and workload, with the ratio of
 * clusterdb to the best of the others; written as Markdown and JSON.
 */
public final class Report {
  static final String US = "clusterdb";

  private final List<Measurement> all;
  private final Map<String, String> header;

  /**
   * @param all every measurement of every run
   * @param header what to print above the tables (machine, command, date), in order
   */
  public Report(List<Measurement> all, Map<String, String> header) {
    this.all = List.copyOf(all);
    this.header = new LinkedHashMap<>(header);
  }

  /** The median of each metric over the runs of one system and workload; NaNs are skipped. */
  public Optional<Measurement> median(String system, Workload w) {
    List<Measurement> runs =
        all.stream().filter(m -> m.system().equals(system) && m.workload().equals(w.id())).toList();
    if (runs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Measurement(
            system,
            w.id(),
            0,
            median(runs, Measurement::opsPerSecond),
            median(runs, Measurement::p50Ms),
            median(runs, Measurement::p99Ms),
            median(runs, Measurement::p999Ms),
            median(runs, Measurement::seconds),
            (long) median(runs, m -> m.ops()),
            (long) median(runs, m -> m.errors())));
  }

  /**
   * The median of the non-NaN values; NaN if there are none. Even counts average the middle two.
   */
  static double median(List<Measurement> runs, ToDoubleFunction<Measurement> f) {
    double[] v = runs.stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /**
   * clusterdb against the best other system: ops/s over the best ops/s for throughput, the best p99
   * over clusterdb's p99 for latency and the best time over clusterdb's time, so that above 1
   * always means clusterdb is ahead. Empty if either side is missing.
   */
  public Optional<Ratio> ratio(Workload w) {
    Optional<Measurement> us = median(US, w);
    List<Measurement> others = new ArrayList<>();
    for (String s : systems()) {
      if (!s.equals(US)) {
        median(s, w).ifPresent(others::add);
      }
    }
    if (us.isEmpty() || others.isEmpty()) {
      return Optional.empty();
    }
    ToDoubleFunction<Measurement> metric =
        switch (w.kind()) {
          case THROUGHPUT -> Measurement::opsPerSecond;
          case LATENCY -> Measurement::p99Ms;
          case TIME -> Measurement::seconds;
        };
    boolean higherBetter = w.kind() == Workload.Kind.THROUGHPUT;
    Measurement best = null;
    for (Measurement m : others) {
      double x = metric.applyAsDouble(m);
      if (Double.isNaN(x)) {
        continue;
      }
      if (best == null
          || (higherBetter ? x > metric.applyAsDouble(best) : x < metric.applyAsDouble(best))) {
        best = m;
      }
    }
    double ours = metric.applyAsDouble(us.get());
    if (best == null || Double.isNaN(ours)) {
      return Optional.empty();
    }
    double theirs = metric.applyAsDouble(best);
    double r = higherBetter ? ours / theirs : theirs / ours;
    return Optional.of(new Ratio(best.system(), r));
  }

  /** clusterdb relative to the best other system; above 1 means clusterdb is ahead. */
  public record Ratio(String bestOther, double value) {}

  /** The systems measured, clusterdb first, then in the order first seen. */
  List<String> systems() {
    List<String> s = new ArrayList<>();
    if (all.stream().anyMatch(m -> m.system().equals(US))) {
      s.add(US);
    }
    for (Measurement m : all) {
      if (!s.contains(m.system())) {
        s.add(m.system());
      }
    }
    return s;
  }

  public String markdown() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : header.entrySet()) {
      b.append("- **").append(e.getKey()).append(":** ").append(e.getValue()).append('\n');
    }
    int runs = (int) all.stream().mapToInt(Measurement::run).distinct().count();
    b.append("\nMedians of ").append(runs).append(runs == 1 ? " run" : " runs").append(".\n");
    for (Workload w : Workload.values()) {
      if (all.stream().noneMatch(m -> m.workload().equals(w.id()))) {
        continue;
      }
      b.append("\n### ").append(w.id()).append(": ").append(w.title()).append("\n\n");
      if (w.kind() == Workload.Kind.TIME) {
        b.append("| system | seconds |\n|---|---:|\n");
      } else {
        b.append(
            "| system | "
                + (w.kind() == Workload.Kind.LATENCY ? "events/s" : "ops/s")
                + " | p50 ms | p99 ms | p99.9 ms | errors |\n|---|---:|---:|---:|---:|---:|\n");
      }
      for (String s : systems()) {
        Optional<Measurement> m = median(s, w);
        if (m.isEmpty()) {
          continue;
        }
        Measurement x = m.get();
        if (w.kind() == Workload.Kind.TIME) {
          b.append(String.format(Locale.ROOT, "| %s | %s |%n", s, num(x.seconds(), 2)));
        } else {
          b.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %s | %s | %s | %d |%n",
                  s,
                  num(x.opsPerSecond(), 0),
                  num(x.p50Ms(), 2),
                  num(x.p99Ms(), 2),
                  num(x.p999Ms(), 2),
                  x.errors()));
        }
      }
      ratio(w)
          .ifPresent(
              r ->
                  b.append(
                      String.format(
                          Locale.ROOT,
                          "%nclusterdb / best other (%s): **%.2f×** (%s)%n",
                          r.bestOther(),
                          r.value(),
                          switch (w.kind()) {
                            case THROUGHPUT -> "ops/s; above 1 is faster";
                            case LATENCY -> "their p99 over ours; above 1 is faster";
                            case TIME -> "their time over ours; above 1 is faster";
                          })));
    }
    return b.toString();
  }

  private static String num(double x, int decimals) {
    if (Double.isNaN(x)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", x);
  }

  /** Writes {@code results.md} and {@code results.json} (every run and the medians) into dir. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.md"), markdown());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("header", header);
    json.put("runs", all.stream().map(Report::jsonRow).toList());
    List<Map<String, Object>> medians = new ArrayList<>();
    for (Workload w : Workload.values()) {
      for (String s : systems()) {
        median(s, w).ifPresent(m -> medians.add(jsonRow(m)));
      }
    }
    json.put("medians", medians);
    Map<String, Object> ratios = new LinkedHashMap<>();
    for (Workload w : Workload.values()) {
      ratio(w)
          .ifPresent(
              r -> ratios.put(w.id(), Map.of("bestOther", r.bestOther(), "ratio", r.value())));
    }
    json.put("ratios", ratios);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("results.json").toFile(), json);
  }

  /** JSON has no NaN: absent metrics are left out. */
  private static Map<String, Object> jsonRow(Measurement m) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("system", m.system());
    row.put("workload", m.workload());
    if (m.run() > 0) {
      row.put("run", m.run());
    }
    for (Object[] kv :
        Arrays.asList(
            new Object[] {"opsPerSecond", m.opsPerSecond()},
            new Object[] {"p50Ms", m.p50Ms()},
            new Object[] {"p99Ms", m.p99Ms()},
            new Object[] {"p999Ms", m.p999Ms()},
            new Object[] {"seconds", m.seconds()})) {
      double v = (double) kv[1];
      if (!Double.isNaN(v)) {
        row.put((String) kv[0], v);
      }
    }
    row.put("ops", m.ops());
    row.put("errors", m.errors());
    return row;
  }
}
