package io.agenttriggers.common.declarative;

import io.agenttriggers.common.declarative.PartResult.Action;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A service's part of workflow deployments: the entries one workflow's deployment holds in the service, brought to
 * the set a version names. Entries are recognised by name, so an unchanged one is not written and a changed one
 * keeps its identity; those the version no longer names are deleted. Subclasses say how entries are stored.
 *
 * @param <S> the spec of an entry, as the service's API takes it
 * @param <E> a stored entry
 */
public abstract class DeploymentPart<S, E> {

    /** The entries the workflow's deployment holds now. */
    protected abstract Uni<List<E>> owned(String tenantId, String workflowId);

    protected abstract String name(S spec);

    protected abstract String storedName(E entry);

    protected abstract String id(E entry);

    /** Whether the stored entry is the spec already (no write needed). */
    protected abstract boolean same(S spec, E entry);

    protected abstract Uni<E> create(S spec);

    protected abstract Uni<E> update(E entry, S spec);

    protected abstract Uni<Void> delete(E entry);

    /** What the service knows of an entry now, for status views. */
    protected abstract Map<String, Object> observed(E entry);

    /** Problems of names: each is required and unique in the part ({@code triggers[i].name}). */
    public static <S> List<FieldError> names(List<S> specs, Function<S, String> name) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String n = name.apply(specs.get(i));
            if (n == null) {
                errors.add(new FieldError("triggers[" + i + "].name", "is required (it recognises the trigger)"));
            } else if (!seen.add(n)) {
                errors.add(new FieldError("triggers[" + i + "].name", "repeats " + n));
            }
        }
        return errors;
    }

    /** What applying the specs would do, and with {@code apply} does it. */
    public Uni<PartResult> apply(String tenantId, String workflowId, Integer version, List<S> specs, boolean apply) {
        return owned(tenantId, workflowId).chain(owned -> {
            Plan<S, E> plan = Plan.of(specs, this::name, owned, this::storedName, this::same);
            if (!apply) {
                return Uni.createFrom().item(result(tenantId, workflowId, version, true, plan, Map.of()));
            }
            Map<String, E> written = new LinkedHashMap<>();
            return Multi.createFrom().iterable(plan.create())
                    .onItem().transformToUniAndConcatenate(s -> create(s).invoke(e -> written.put(name(s), e)))
                    .collect().asList()
                    .chain(() -> Multi.createFrom().iterable(plan.update())
                            .onItem().transformToUniAndConcatenate(c -> update(c.existing(), c.desired())
                                    .invoke(e -> written.put(name(c.desired()), e)))
                            .collect().asList())
                    .chain(() -> Multi.createFrom().iterable(plan.delete())
                            .onItem().transformToUniAndConcatenate(this::delete)
                            .collect().asList())
                    .map(ignored -> result(tenantId, workflowId, version, false, plan, written));
        });
    }

    /** What the workflow's deployment holds here now. */
    public Uni<PartResult> observed(String tenantId, String workflowId) {
        return owned(tenantId, workflowId).map(owned -> new PartResult(tenantId, workflowId, null, false,
                owned.stream().map(e -> new PartResult.Item(storedName(e), id(e), null, observed(e))).toList()));
    }

    /** Deletes every entry the workflow's deployment holds here; answers what went. */
    public Uni<PartResult> remove(String tenantId, String workflowId) {
        return owned(tenantId, workflowId).chain(owned -> Multi.createFrom().iterable(owned)
                .onItem().transformToUniAndConcatenate(this::delete)
                .collect().asList()
                .map(ignored -> new PartResult(tenantId, workflowId, null, false, owned.stream()
                        .map(e -> new PartResult.Item(storedName(e), id(e), Action.deleted, null)).toList())));
    }

    private PartResult result(String tenantId, String workflowId, Integer version, boolean dryRun, Plan<S, E> plan,
            Map<String, E> written) {
        List<PartResult.Item> items = new ArrayList<>();
        for (S spec : plan.create()) {
            E e = written.get(name(spec));
            items.add(new PartResult.Item(name(spec), e == null ? null : id(e), Action.created,
                    e == null ? null : observed(e)));
        }
        for (Plan.Change<S, E> c : plan.update()) {
            E e = written.getOrDefault(name(c.desired()), c.existing());
            items.add(new PartResult.Item(name(c.desired()), id(e), Action.updated, dryRun ? null : observed(e)));
        }
        for (E e : plan.unchanged()) {
            items.add(new PartResult.Item(storedName(e), id(e), Action.unchanged, observed(e)));
        }
        for (E e : plan.delete()) {
            items.add(new PartResult.Item(storedName(e), id(e), Action.deleted, null));
        }
        return new PartResult(tenantId, workflowId, version, dryRun, items);
    }
}
