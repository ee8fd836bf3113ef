package io.agenttriggers.queue.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.declarative.DeploymentPart;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.agenttriggers.queue.source.SourceManager;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue part of workflow deployments: the Kafka, AMQP and SQS sources and the mailboxes one workflow holds. They
 * are stored, and every replica starts, restarts or stops them within {@code deployments.sync-interval}; a mailbox
 * is polled by one replica at a time. A trigger is the source as the sources file declares it, with its tenant and
 * workflow set by the deployment and its credentials as {@code secret:<name>} references.
 */
@ApplicationScoped
public class SourceDeployments extends DeploymentPart<ObjectNode, DeployedSourceStore.Stored> {

    /** Most queue and email triggers one workflow may hold. */
    public static final int MAX_SOURCES = 20;

    @Inject
    DeployedSourceStore store;

    @Inject
    SourceManager manager;

    @Inject
    QueueConsumerConfig config;

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    TenantSecrets secrets;

    private DeployedSourceRules rules;

    @PostConstruct
    void init() {
        rules = new DeployedSourceRules(config, urls, secrets);
    }

    /** The trigger as the workflow's: events of the tenant, stamped with the workflow. */
    public static ObjectNode ownedBy(ObjectNode spec, String tenantId, String workflowId) {
        ObjectNode owned = spec.deepCopy();
        owned.putObject("tenantId").put("value", tenantId);
        owned.put("workflowId", workflowId);
        return owned;
    }

    /** The tenant a trigger's events would have, when it sets one: only the deployment's is taken. */
    public static String tenantOf(ObjectNode spec) {
        var tenant = spec.get("tenantId");
        if (tenant == null) {
            return null;
        }
        if (tenant.isTextual()) {
            return tenant.asText();
        }
        return tenant.isObject() && tenant.size() == 1 && tenant.path("value").isTextual()
                ? tenant.get("value").asText() : "(from each message)";
    }

    /** Every problem of the part ({@code triggers[i].field}); blocking, as it looks the referenced secrets up. */
    public List<FieldError> check(String tenantId, List<ObjectNode> specs) {
        List<FieldError> errors = new ArrayList<>();
        if (specs.size() > MAX_SOURCES) {
            errors.add(new FieldError("triggers", "at most " + MAX_SOURCES + " queue and email triggers per "
                    + "workflow"));
            return errors;
        }
        for (int i = 0; i < specs.size(); i++) {
            errors.addAll(rules.check("triggers[" + i + "]", tenantId, specs.get(i)));
        }
        errors.addAll(names(specs, s -> s.hasNonNull("name") ? s.get("name").asText() : null));
        return errors;
    }

    /** The tenant's bound over all its workflows: 422 naming the part when this one would pass it. */
    public Uni<Void> checkTenantBound(String tenantId, String workflowId, int count) {
        int max = config.deployments().maxPerTenant();
        return store.countElsewhere(tenantId, workflowId).invoke(elsewhere -> {
            if (elsewhere + count > max) {
                throw new io.agenttriggers.common.problem.ProblemException(422, "invalid_deployment_part",
                        "Invalid sources", "tenant " + tenantId + " may have " + max + " deployed sources",
                        List.of(new FieldError("triggers", "tenant " + tenantId + " has " + elsewhere + " deployed "
                                + "sources in other workflows; with these " + count + " it would pass its bound of "
                                + max)));
            }
        }).replaceWithVoid();
    }

    @Override
    protected Uni<List<DeployedSourceStore.Stored>> owned(String tenantId, String workflowId) {
        return store.ownedBy(tenantId, workflowId);
    }

    @Override
    protected String name(ObjectNode spec) {
        return spec.path("name").asText();
    }

    @Override
    protected String storedName(DeployedSourceStore.Stored entry) {
        return entry.name();
    }

    @Override
    protected String id(DeployedSourceStore.Stored entry) {
        return entry.sourceName();
    }

    @Override
    protected boolean same(ObjectNode spec, DeployedSourceStore.Stored entry) {
        return spec.equals(entry.spec());
    }

    @Override
    protected Uni<DeployedSourceStore.Stored> create(ObjectNode spec) {
        return store.upsert(spec.path("tenantId").path("value").asText(), spec.path("workflowId").asText(),
                name(spec), spec);
    }

    @Override
    protected Uni<DeployedSourceStore.Stored> update(DeployedSourceStore.Stored entry, ObjectNode spec) {
        return store.upsert(entry.tenantId(), entry.workflowId(), entry.name(), spec);
    }

    @Override
    protected Uni<Void> delete(DeployedSourceStore.Stored entry) {
        return store.delete(entry.tenantId(), entry.workflowId(), entry.name());
    }

    @Override
    protected Map<String, Object> observed(DeployedSourceStore.Stored e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", e.sourceName());
        out.put("type", e.spec().path("type").asText());
        out.put("enabled", e.spec().path("enabled").asBoolean(true));
        out.put("revision", e.revision());
        manager.runner(e.sourceName()).filter(r -> r.revision() == e.revision()).ifPresentOrElse(r -> {
            out.put("address", r.address());
            out.put("state", r.state().name().toLowerCase());
            if (r.lastError() != null) {
                out.put("lastError", r.lastError());
            }
        }, () -> out.put("state", "syncing"));
        return out;
    }
}
