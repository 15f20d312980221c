package org.clusterdb.bench.jmh;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.metrics.MemberMetrics;
import org.clusterdb.core.metrics.Operation;
import org.clusterdb.server.http.PrometheusMeters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the meters cost on the request and apply paths: one request recorded (by operation and
 * outcome, into its latency histogram), and one commit and one apply recorded, as a member does for
 * every request and every log entry. {@code registry=prometheus} is the server's registry; {@code
 * global} is Micrometer's global one with nothing added to it, where an embedding application's
 * meters go by default. Nothing turns recording off, so this is the clean A/B: set these times
 * beside a request's (tens of microseconds, see ApplyBench and CodecBench).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MetricsBench {
  @Param({"prometheus", "global"})
  public String registry;

  private PrometheusMeters prometheus;
  MemberMetrics metrics;
  private final ClusterDbException refused =
      new ClusterDbException(ErrorCode.UNKNOWN_TABLE, "table 'x' does not exist");

  @Setup
  public void open() {
    MeterRegistry r;
    if (registry.equals("prometheus")) {
      prometheus = new PrometheusMeters("p1");
      r = prometheus.registry();
    } else {
      r = Metrics.globalRegistry;
    }
    metrics = new MemberMetrics(r, "p1");
  }

  @TearDown
  public void close() {
    metrics.close();
    if (prometheus != null) {
      prometheus.close();
    }
  }

  /** The Prometheus text of what was recorded; for the sanity test. */
  String scrape() {
    return prometheus.scrape();
  }

  @Benchmark
  public void requestOk() {
    metrics.record(Operation.PUT, null, 1_234_567);
  }

  @Benchmark
  public void requestRefused() {
    metrics.record(Operation.PUT, refused, 456_789);
  }

  /** One log entry: its commit and its apply. */
  @Benchmark
  public void entry() {
    metrics.committed(2_345_678);
    metrics.applied(45_678);
  }
}
