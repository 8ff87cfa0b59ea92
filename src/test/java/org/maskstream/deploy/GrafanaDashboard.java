package org.maskstream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard: its panels and the Prometheus metric names their queries use. */
record GrafanaDashboard(JsonNode json) {

    static final String FILE = "deploy/grafana/dashboards/maskstream.json";

    /** A Flink metric as the Prometheus reporter names it; label names and functions never start with flink_. */
    private static final Pattern METRIC_NAME = Pattern.compile("\\bflink_[a-zA-Z0-9_:]+");
    /** Labels a query groups by ({@code by (a, b)}, {@code without (...)}) or matches ({@code {a="x"}}). */
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    /** Labels a legend prints: {@code {{kind}}}. */
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    /** A panel; {@code queries} are its targets' PromQL expressions, each followed by its legend format. */
    record Panel(String title, List<String> queries) {
        Set<String> metricNames() {
            Set<String> names = new LinkedHashSet<>();
            queries.forEach(q -> names.addAll(GrafanaDashboard.metricNames(q)));
            return names;
        }
    }

    static Set<String> metricNames(String query) {
        return matches(METRIC_NAME, query, 0);
    }

    /** Every label a query (expression and legend) refers to. */
    static Set<String> labelNames(String query) {
        Set<String> labels = new LinkedHashSet<>();
        for (String grouping : matches(GROUPING, query, 1)) {
            for (String label : grouping.split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        String withoutLegends = query.replaceAll("\\{\\{[^}]*}}", "");
        for (String selector : matches(SELECTOR, withoutLegends, 1)) {
            labels.addAll(matches(MATCHER, selector, 1));
        }
        labels.addAll(matches(LEGEND_LABEL, query, 1));
        return labels;
    }

    private static Set<String> matches(Pattern pattern, String text, int group) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(group));
        }
        return found;
    }

    static GrafanaDashboard load() {
        try {
            return new GrafanaDashboard(Json.MAPPER.readTree(ProjectFiles.path(FILE).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(FILE + " is not valid JSON", e);
        }
    }

    List<Panel> panels() {
        List<Panel> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            List<String> queries = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                // the legend rides along: its {{label}}s must exist too
                queries.add(target.path("expr").asText() + " " + target.path("legendFormat").asText());
            }
            panels.add(new Panel(panel.path("title").asText(), queries));
        }
        return panels;
    }

    /** The distinct datasource uids the panels and their queries refer to. */
    List<String> datasourceUids() {
        Set<String> uids = new LinkedHashSet<>();
        for (JsonNode panel : json.path("panels")) {
            if (panel.has("datasource")) {
                uids.add(panel.path("datasource").path("uid").asText());
            }
            for (JsonNode target : panel.path("targets")) {
                if (target.has("datasource")) {
                    uids.add(target.path("datasource").path("uid").asText());
                }
            }
        }
        return List.copyOf(uids);
    }
}
