package io.agenttriggers.common.declarative;

import io.agenttriggers.common.declarative.PartResult.Action;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
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

    /**
     * What the answer of the apply that created an entry shows of it: what is observed, plus what is shown only
     * this once (a generated secret). Never stored by the caller.
     */
    protected Map<String, Object> created(E entry) {
        return observed(entry);
    }

    /**
     * The triggers of a part's request, each given the deployment's tenant and workflow ({@code ownedBy}), or 422
     * {@code invalid_deployment_part} naming every problem as {@code triggers[i].field}: a missing trigger, another
     * tenant, and what {@code check} finds in the owned list.
     */
    public static <S> List<S> accept(String tenantId, List<S> triggers, Function<S, String> tenantOf,
            Function<S, S> ownedBy, Function<List<S>, List<FieldError>> check, String title) {
        if (triggers == null) {
            throw ProblemException.badRequest("empty_body", "Send {version, triggers: [trigger, ...]}");
        }
        List<FieldError> errors = new ArrayList<>();
        List<S> owned = new ArrayList<>();
        for (int i = 0; i < triggers.size(); i++) {
            S spec = triggers.get(i);
            if (spec == null) {
                errors.add(new FieldError("triggers[" + i + "]", "is required"));
                continue;
            }
            String tenant = tenantOf.apply(spec);
            if (tenant != null && !tenant.equals(tenantId)) {
                errors.add(new FieldError("triggers[" + i + "].tenantId", "must be the deployment's tenant"));
            }
            owned.add(ownedBy.apply(spec));
        }
        if (errors.isEmpty()) {
            errors.addAll(check.apply(owned));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(422, "invalid_deployment_part", title, errors.size() + " invalid field(s)",
                    errors);
        }
        return owned;
    }

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
                    .onItem().transformToUniAndConcatenate(s -> located(create(s), specs.indexOf(s))
                            .invoke(e -> written.put(name(s), e)))
                    .collect().asList()
                    .chain(() -> Multi.createFrom().iterable(plan.update())
                            .onItem().transformToUniAndConcatenate(c -> located(update(c.existing(), c.desired()),
                                    specs.indexOf(c.desired())).invoke(e -> written.put(name(c.desired()), e)))
                            .collect().asList())
                    .chain(() -> Multi.createFrom().iterable(plan.delete())
                            .onItem().transformToUniAndConcatenate(this::delete)
                            .collect().asList())
                    .map(ignored -> result(tenantId, workflowId, version, false, plan, written));
        });
    }

    /** A refusal of one trigger's write (a name or route taken) names that trigger: {@code triggers[i]}. */
    private static <T> Uni<T> located(Uni<T> write, int index) {
        return write.onFailure(ProblemException.class).transform(e -> {
            ProblemException p = (ProblemException) e;
            if (p.errors() != null && !p.errors().isEmpty()) {
                return p;
            }
            return new ProblemException(p.status(), p.code(), p.title(), p.getMessage(),
                    List.of(new FieldError("triggers[" + index + "]", p.getMessage())));
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
                    e == null ? null : created(e)));
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
