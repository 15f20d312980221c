package org.clusterdb.bench;

/**
 * One system's result for one workload in one run. Fields that a workload's kind does not have are
 * NaN: a {@link Workload.Kind#TIME} result has only {@code seconds}.
 *
 * @param opsPerSecond acknowledged operations (or delivered events) per second of the window
 * @param p50Ms median latency, milliseconds
 * @param p99Ms 99th percentile latency, milliseconds
 * @param p999Ms 99.9th percentile latency, milliseconds
 * @param seconds the measured duration of a TIME workload
 * @param ops operations (or events) counted
 * @param errors failed operations in the window
 */
public record Measurement(
    String system,
    String workload,
    int run,
    double opsPerSecond,
    double p50Ms,
    double p99Ms,
    double p999Ms,
    double seconds,
    long ops,
    long errors) {

  static Measurement ofWindow(String system, Workload w, int run, LoadGenerator.Window win) {
    return new Measurement(
        system,
        w.id(),
        run,
        win.opsPerSecond(),
        ms(win.latencyNanos().getValueAtPercentile(50)),
        ms(win.latencyNanos().getValueAtPercentile(99)),
        ms(win.latencyNanos().getValueAtPercentile(99.9)),
        Double.NaN,
        win.ops(),
        win.errors());
  }

  static Measurement ofTime(String system, Workload w, int run, double seconds, long errors) {
    return new Measurement(
        system, w.id(), run, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, 0, errors);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
