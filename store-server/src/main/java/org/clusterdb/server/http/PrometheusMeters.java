package org.clusterdb.server.http;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's meter registry: the member's own meters, and the JVM's and the process's from
 * Micrometer's binders, all tagged {@code member=<id>}; scraped as Prometheus text. Recorded
 * whether or not {@code /metrics} is served, so that the cost is the same either way.
 */
public final class PrometheusMeters implements AutoCloseable {
  /** The Prometheus text format's content type, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  public PrometheusMeters(String memberId) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Tags member = Tags.of("member", memberId);
    new ClassLoaderMetrics(member).bindTo(registry);
    new JvmMemoryMetrics(member).bindTo(registry);
    gc = new JvmGcMetrics(member);
    gc.bindTo(registry);
    new JvmThreadMetrics(member).bindTo(registry);
    new ProcessorMetrics(member).bindTo(registry);
    new UptimeMetrics(member).bindTo(registry);
    new FileDescriptorMetrics(member).bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter as Prometheus text. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
