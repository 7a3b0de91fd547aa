package io.mailflow.tracking;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.DoubleSupplier;

/**
 * The tracking service's Prometheus metrics, served at {@code /metrics} in the Prometheus text format. Labels
 * are closed sets (route, outcome, type), never ids, tokens or addresses.
 */
final class TrackingMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** Requests by route ({@code r}, {@code o}, {@code unsubscribe}, ...) and outcome (token status or result). */
    final Counter requests = Counter.builder()
            .name("mailflow_tracking_requests")
            .help("HTTP requests by route and outcome (the token's verification status, or ok)")
            .labelNames("route", "outcome")
            .register(registry);

    final Histogram latency = Histogram.builder()
            .name("mailflow_tracking_request_duration_seconds")
            .help("Time to answer a request, by route")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1)
            .register(registry);

    /** Engagement events and suppressions recorded, by type; each goes to Kafka or to the spool. */
    final Counter events = Counter.builder()
            .name("mailflow_tracking_events")
            .help("Engagement events and suppressions recorded, by type")
            .labelNames("type")
            .register(registry);

    final Counter published = Counter.builder()
            .name("mailflow_tracking_published")
            .help("Records Kafka acknowledged, sent at once or replayed from the spool")
            .labelNames("path")
            .register(registry);

    final Counter spooled = Counter.builder()
            .name("mailflow_tracking_spooled")
            .help("Records written to the on-disk spool because Kafka did not take them")
            .register(registry);

    final Counter dropped = Counter.builder()
            .name("mailflow_tracking_dropped")
            .help("Records lost because the spool was full (or could not be written)")
            .register(registry);

    final Counter webhookSkipped = Counter.builder()
            .name("mailflow_tracking_webhook_skipped")
            .help("Verified provider events not recorded: no Mailflow ids, or a type Mailflow does not track")
            .labelNames("provider")
            .register(registry);

    final Counter machineOpens = Counter.builder()
            .name("mailflow_tracking_machine_opens")
            .help("Opens flagged as made by a machine (scanner, prefetcher, privacy proxy)")
            .register(registry);

    /** Registers the spool's size and whether events are being spooled, as gauges read at scrape time. */
    void gauges(DoubleSupplier spoolRecords, DoubleSupplier spoolBytes, DoubleSupplier spooling) {
        GaugeWithCallback.builder()
                .name("mailflow_tracking_spool_records")
                .help("Records waiting in the on-disk spool")
                .callback(cb -> cb.call(spoolRecords.getAsDouble()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("mailflow_tracking_spool_bytes")
                .help("Bytes waiting in the on-disk spool")
                .callback(cb -> cb.call(spoolBytes.getAsDouble()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("mailflow_tracking_spooling")
                .help(
                        "1 while events go to the on-disk spool because Kafka did not take them, 0 while they go to Kafka")
                .callback(cb -> cb.call(spooling.getAsDouble()))
                .register(registry);
    }

    String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
