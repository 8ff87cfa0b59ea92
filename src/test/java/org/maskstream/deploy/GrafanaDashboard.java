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

    record Panel(String title, List<String> queries) {
        Set<String> metricNames() {
            Set<String> names = new LinkedHashSet<>();
            for (String query : queries) {
                Matcher m = METRIC_NAME.matcher(query);
                while (m.find()) {
                    names.add(m.group());
                }
            }
            return names;
        }
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
                queries.add(target.path("expr").asText());
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
