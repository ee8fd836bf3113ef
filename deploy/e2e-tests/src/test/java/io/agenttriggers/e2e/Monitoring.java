package io.agenttriggers.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The monitoring files of deploy/monitoring, read as Prometheus and Grafana read them. */
final class Monitoring {

    static final Path DIR = DockerComposeTest.ROOT.resolve("deploy/monitoring");
    static final Path RULES = DIR.resolve("rules/agent-triggers.rules.yml");
    static final Path DASHBOARD = DIR.resolve("grafana/agent-triggers.json");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** Series that come from Prometheus itself or kube-state-metrics, not from a service's /q/metrics. */
    static final Set<String> EXTERNAL = Set.of("up", "kube_deployment_spec_replicas",
            "kube_deployment_status_replicas_ready");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private Monitoring() {
    }

    record Alert(String name, String expr, JsonNode annotations) {
    }

    record Panel(String title, List<String> exprs) {
    }

    static List<Alert> alerts() throws IOException {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.add(new Alert(rule.get("alert").asText(), rule.get("expr").asText(), rule.get("annotations")));
            }
        }
        return alerts;
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(Files.readString(DASHBOARD));
    }

    static List<Panel> panels() throws IOException {
        List<Panel> panels = new ArrayList<>();
        for (JsonNode p : dashboard().get("panels")) {
            if (!"row".equals(p.path("type").asText())) {
                List<String> exprs = new ArrayList<>();
                p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
                panels.add(new Panel(p.path("title").asText(), exprs));
            }
        }
        return panels;
    }

    /** A dashboard expression as Prometheus gets it once Grafana has put in its variables. */
    static String grafanaExpanded(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__range", "5m").replace("$service", ".*");
    }

    /**
     * The metric names an expression reads: identifiers that are neither functions (followed by a parenthesis),
     * keywords, label names (in braces or grouping clauses), durations nor string contents.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String id = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean function = next < s.length() && s.charAt(next) == '(';
            boolean partOfNumber = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1))
                    || s.charAt(m.start() - 1) == '.');
            if (!function && !partOfNumber && !KEYWORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }
}
