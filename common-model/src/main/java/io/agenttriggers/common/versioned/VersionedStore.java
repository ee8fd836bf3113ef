package io.agenttriggers.common.versioned;

import io.agenttriggers.common.declarative.Ownership;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.quota.TenantQuota;
import io.agenttriggers.common.quota.TenantQuotaExceeded;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Declarative configuration with a version history, on Hibernate Reactive with Panache: create, update guarded by
 * the caller's expected version ({@code If-Match}), delete, the versions newest first, and rollback (an old
 * configuration written as a new version). Every write stores the whole configuration as a new history entry in
 * its own transaction, so a version either exists with its snapshot or not at all.
 *
 * <p>A service says only what is its own: which columns of its row come from a configuration ({@link #apply}),
 * the quota a create must fit in ({@link #quota}), what every write must also change
 * ({@link #afterWrite}, e.g. the counter replicas poll), and the names of the unique indexes that make a name taken.
 * Hot paths (caches of every row, claims, COPY) read the same tables with hand-written SQL.
 *
 * @param <S> the configuration, stored as JSON
 * @param <R> the current row
 * @param <H> a history entry
 */
public abstract class VersionedStore<S, R extends VersionedRow, H extends VersionRow> {

    @Inject
    Vertx vertx;

    private final Class<S> specType;
    private final Class<R> rowType;
    private final Supplier<R> newRow;
    private final Class<H> historyType;
    private final Supplier<H> newHistory;
    private final Set<String> nameIndexes;

    /**
     * @param nameIndexes the unique indexes whose violation means that a name is taken
     */
    protected VersionedStore(Class<S> specType, Class<R> rowType, Supplier<R> newRow, Class<H> historyType,
            Supplier<H> newHistory, Set<String> nameIndexes) {
        this.specType = specType;
        this.rowType = rowType;
        this.newRow = newRow;
        this.historyType = historyType;
        this.newHistory = newHistory;
        this.nameIndexes = nameIndexes;
    }

    /** Sets the row's own columns from a configuration (its name, tenant, enabled flag, and what it filters on). */
    protected abstract void apply(R row, S spec);

    /**
     * The quota a create of {@code row} must fit in, checked in the create's transaction; none by default. The
     * declarative file's rows are the operator's and are never refused (they count towards the total all the same).
     */
    protected TenantQuota quota(R row) {
        return null;
    }

    /**
     * Done in the transaction of every create and update, once the row holds what it will store and before it is
     * written: a check that needs the other rows (and may take a lock first). Nothing by default.
     */
    protected Uni<Void> beforeWrite(Mutiny.Session session, R row) {
        return Uni.createFrom().voidItem();
    }

    /** Done in the transaction of every create, update and delete; by default nothing. */
    protected Uni<Void> afterWrite(Mutiny.Session session) {
        return Uni.createFrom().voidItem();
    }

    /**
     * Creates version 1 of {@code spec}. {@code prepare} sets what the row holds outside the configuration (a sealed
     * secret), or is null. Fails with {@link NameTaken} when the name is taken.
     */
    public Uni<R> create(S spec, String managedBy, Consumer<R> prepare) {
        R row = newRow.get();
        row.setId(UUID.fromString(RunIds.next()));
        row.setManagedBy(managedBy);
        apply(row, spec);
        row.setConfig(EventJson.write(spec));
        if (prepare != null) {
            prepare.accept(row);
        }
        row.setVersion(1);
        row.touch(true);
        TenantQuota quota = Ownership.FILE.equals(managedBy) ? null : quota(row);
        return write(session -> checkQuota(session, quota, row.getTenantId())
                .chain(() -> beforeWrite(session, row))
                .chain(() -> session.persist(row))
                .chain(session::flush)
                .chain(() -> history(session, row, "created"))
                .replaceWith(row));
    }

    /**
     * Replaces the configuration as a new version. {@code expected}: the version the caller read (If-Match), or null.
     * Fails with {@link VersionConflict}, {@link NameTaken}, or {@link java.util.NoSuchElementException} when the row
     * is gone.
     */
    public Uni<R> update(UUID id, S spec, Integer expected, String change) {
        return edit(id, expected, row -> {
            apply(row, spec);
            row.setConfig(EventJson.write(spec));
        }, change);
    }

    /**
     * A new version made by {@code edit} (which may change what lies outside the configuration, such as a secret),
     * recorded in the history as {@code change}, under the row's lock.
     */
    public Uni<R> edit(UUID id, Integer expected, Consumer<R> edit, String change) {
        return write(session -> session.find(rowType, id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(java.util.NoSuchElementException::new)
                .chain(row -> {
                    if (expected != null && expected != row.getVersion()) {
                        return Uni.createFrom().failure(new VersionConflict(row.getVersion()));
                    }
                    edit.accept(row);
                    row.setVersion(row.getVersion() + 1);
                    row.touch(false);
                    return beforeWrite(session, row)
                            .chain(session::flush)
                            .chain(() -> history(session, row, change))
                            .replaceWith(row);
                }));
    }

    /** Writes version {@code version}'s configuration as a new version; empty when there is no such version. */
    public Uni<Optional<R>> rollback(UUID id, int version) {
        return version(id, version).chain(found -> found.isEmpty() ? Uni.createFrom().item(Optional.<R>empty())
                : update(id, found.get().config(), null, "rolled_back_to_" + version).map(Optional::of));
    }

    /** Answers whether there was such a row. */
    public Uni<Boolean> delete(UUID id) {
        return write(session -> session.createMutationQuery("delete from " + rowType.getName() + " where id = ?1")
                .setParameter(1, id)
                .executeUpdate()
                .chain(n -> n == 0 ? Uni.createFrom().item(false) : afterWrite(session).replaceWith(true)));
    }

    public Uni<Optional<R>> find(UUID id) {
        return read(session -> session.find(rowType, id)).map(Optional::ofNullable);
    }

    /** The rows matching an HQL condition on the entity's attributes, with positional parameters. */
    public Uni<List<R>> where(String condition, Object... parameters) {
        return where(Integer.MAX_VALUE, condition, parameters);
    }

    /** At most {@code limit} rows matching an HQL condition (which may end with an {@code order by}). */
    public Uni<List<R>> where(int limit, String condition, Object... parameters) {
        return read(session -> {
            Mutiny.SelectionQuery<R> query = session.createSelectionQuery("from " + rowType.getName() + " where "
                    + condition, rowType);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return query.setMaxResults(limit).getResultList();
        });
    }

    /** Newest first, older than {@code before} when given. */
    public Uni<List<Version<S>>> versions(UUID id, Integer before, int limit) {
        return read(session -> session.createSelectionQuery("from " + historyType.getName() + " where ownerId = ?1 "
                                + "and version < ?2 order by version desc", historyType)
                        .setParameter(1, id)
                        .setParameter(2, before == null ? Integer.MAX_VALUE : before)
                        .setMaxResults(limit)
                        .getResultList())
                .map(rows -> rows.stream().map(this::version).toList());
    }

    public Uni<Optional<Version<S>>> version(UUID id, int version) {
        return read(session -> session.find(historyType, new VersionRow.Key(id, version)))
                .map(h -> Optional.ofNullable(h).map(this::version));
    }

    /** Reads a stored configuration. */
    public S spec(String json) {
        return EventJson.read(json, specType);
    }

    /**
     * {@link TenantQuota#check} inside a write of this store: the advisory lock of (kind, tenant), then the count.
     */
    private static Uni<Void> checkQuota(Mutiny.Session session, TenantQuota quota, String tenantId) {
        if (quota == null) {
            return Uni.createFrom().voidItem();
        }
        String key = tenantId == null ? quota.kind() + "/global" : quota.kind() + ":" + tenantId;
        Mutiny.SelectionQuery<Long> count = session.createNativeQuery(quota.countSql().replace("$1", "?1"),
                Long.class);
        if (tenantId != null) {
            count.setParameter(1, tenantId);
        }
        return session.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtext(?1))) l",
                        Long.class)
                .setParameter(1, key)
                .getSingleResult()
                .chain(count::getSingleResult)
                .invoke(n -> {
                    if (n >= quota.limit()) {
                        throw new TenantQuotaExceeded(quota.things(), tenantId, n, quota.limit(), quota.configKey());
                    }
                })
                .replaceWithVoid();
    }

    private Version<S> version(H h) {
        return new Version<>(h.getVersion(), spec(h.getConfig()), h.getChange(), h.getChangedAt());
    }

    private Uni<Void> history(Mutiny.Session session, R row, String change) {
        H entry = newHistory.get();
        entry.fill(row, change);
        return session.persist(entry).chain(() -> afterWrite(session));
    }

    private <T> Uni<T> write(Function<Mutiny.Session, Uni<? extends T>> work) {
        return onContext(() -> Panache.withTransaction(() -> Panache.getSession().<T>chain(work::apply)))
                .onFailure(this::nameTaken).transform(e -> new NameTaken());
    }

    private <T> Uni<T> read(Function<Mutiny.Session, Uni<? extends T>> work) {
        return onContext(() -> Panache.withSession(() -> Panache.getSession().<T>chain(work::apply)));
    }

    /** A unique index that holds names, anywhere in the failure's causes. */
    private boolean nameTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && nameIndexes.stream().anyMatch(message::contains)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs where Hibernate Reactive can: on the caller's duplicated Vert.x context (a REST request's, which keeps its
     * request scope for what follows), or else on a new safe one — the declarative file's start-up reconciliation
     * runs on a plain thread, and tests call the stores directly.
     */
    private <T> Uni<T> onContext(Supplier<Uni<T>> work) {
        Context current = Vertx.currentContext();
        if (current != null && VertxContext.isDuplicatedContext(current)) {
            return Uni.createFrom().<T>deferred(work::get);
        }
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(current != null ? current
                    : vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> work.get().subscribe().with(emitter::complete, emitter::fail));
        });
    }
}
