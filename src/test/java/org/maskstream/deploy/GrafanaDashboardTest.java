package org.maskstream.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard JSON parses into panels with queries; the query reading that DashboardMetricsITCase relies on. */
class GrafanaDashboardTest {

    @Test
    void dashboardParsesAndEveryPanelQueriesAFlinkMetric() {
        List<GrafanaDashboard.Panel> panels = GrafanaDashboard.load().panels();
        List<String> titles = panels.stream().map(GrafanaDashboard.Panel::title).toList();
        for (String subject : List.of("Throughput", "Latency", "Dead letters", "IoU per model version")) {
            assertTrue(titles.stream().anyMatch(t -> t.contains(subject)), subject + " missing from " + titles);
        }
        for (GrafanaDashboard.Panel panel : panels) {
            assertFalse(panel.queries().isEmpty(), panel.title());
            assertFalse(panel.metricNames().isEmpty(), panel.title() + " queries no flink_ metric");
        }
    }

    @Test
    void queriesYieldTheirMetricsAndEveryLabelTheyUse() {
        String query = "sum by (kind, quantile) (rate(flink_a_b{operator_name=\"decode\", x!~\"y\"}[5m]))"
                + " / flink_c {{model_version}}";
        assertEquals(Set.of("flink_a_b", "flink_c"), GrafanaDashboard.metricNames(query));
        assertEquals(Set.of("kind", "quantile", "operator_name", "x", "model_version"),
                GrafanaDashboard.labelNames(query));
    }
}
