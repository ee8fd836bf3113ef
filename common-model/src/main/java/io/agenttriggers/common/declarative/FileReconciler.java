package io.agenttriggers.common.declarative;

import io.agenttriggers.common.problem.Problem.FieldError;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * A service's declarative file: a YAML list of entries with the same fields as its REST API ({@code ${ENV}}
 * placeholders allowed), reconciled into its store. The file is checked whole first: one invalid entry, and nothing
 * changes. Entries are recognised by {@link #key}, so a changed one keeps its identity and history; those the file
 * no longer names are deleted. Entries the file creates are {@code managedBy: file}; an entry of the same key that
 * the API created is never taken over (it is reported and left alone). Subclasses say how entries are stored.
 *
 * @param <S> an entry of the file (a spec)
 * @param <E> a stored entry
 */
public abstract class FileReconciler<S, E> {

    private static final Logger LOG = Logger.getLogger(FileReconciler.class);

    /** The result of one reconciliation, for logs and tests. */
    public record Applied(int created, int updated, int deleted, List<String> errors) {
    }

    private final String list;
    private final Class<S> type;
    private final String label;
    private volatile String appliedHash;

    /**
     * @param list the file's top-level list ({@code policies})
     * @param type the entries' type
     * @param label what the logs call the file ({@code Policies file})
     */
    protected FileReconciler(String list, Class<S> type, String label) {
        this.list = list;
        this.type = type;
        this.label = label;
    }

    /** The entry as it is compared and stored (defaults filled). */
    protected S normalized(S spec) {
        return spec;
    }

    /** The problems of one entry, fields relative to it. */
    protected abstract List<FieldError> problems(S spec);

    /** Problems between entries, found before anything is written (each a whole message). */
    protected List<String> conflicts(List<S> specs) {
        return List.of();
    }

    /** What recognises an entry across versions of the file, as messages show it ({@code acme/nightly}). */
    protected abstract String key(S spec);

    protected abstract String storedKey(E entry);

    /** The entries the file holds now. */
    protected abstract Uni<List<E>> fileManaged();

    /** Whether an entry of this key exists that the file does not own (it is left alone). */
    protected abstract Uni<Boolean> heldByOthers(S spec);

    protected abstract boolean same(S spec, E entry);

    protected abstract Uni<?> create(S spec);

    protected abstract Uni<?> update(E entry, S spec);

    protected abstract Uni<?> delete(E entry);

    /**
     * Whether a failed write is another replica applying the same file at the same moment (the entry is there, as
     * the file says). Other failures are reported as errors of the entry.
     */
    protected boolean raced(Throwable failure) {
        return false;
    }

    /** A failed write as the operator reads it (the file is the operator's, who may see every tenant's ids). */
    protected String describe(Throwable failure) {
        return failure.toString();
    }

    /** After an application that got as far as writing: caches, routes, wake-ups. */
    protected Uni<Void> applied() {
        return Uni.createFrom().voidItem();
    }

    /** Errors found, for the service's error counter. */
    protected void counted(int errors) {
    }

    /** At start: applies the configured file, if one is configured, waiting for it (a minute at most). */
    protected void applyAtStart(java.util.Optional<String> file) {
        file.filter(f -> !f.isBlank()).ifPresent(f -> reconcileIfChanged(Path.of(f)).await()
                .atMost(java.time.Duration.ofSeconds(60)));
    }

    /** Applies the file if its content changed since the last application; logs the outcome. */
    public Uni<Applied> reconcileIfChanged(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            counted(1);
            String error = "cannot read " + file + ": " + e.getMessage();
            LOG.errorf("%s %s", label, error);
            return Uni.createFrom().item(new Applied(0, 0, 0, List.of(error)));
        }
        String hash = DeclarativeFiles.sha256(text);
        if (hash.equals(appliedHash)) {
            return Uni.createFrom().item(new Applied(0, 0, 0, List.of()));
        }
        return reconcile(text, System::getenv).invoke(applied -> {
            // Remembered either way, so a broken file is reported once, not every poll.
            appliedHash = hash;
            if (applied.errors().isEmpty()) {
                LOG.infof("%s %s applied: %d created, %d updated, %d deleted", label, file, applied.created(),
                        applied.updated(), applied.deleted());
            } else {
                LOG.errorf("%s %s not (fully) applied: %s", label, file, String.join("; ", applied.errors()));
            }
        });
    }

    /** Parses, checks and applies the file's text; environment lookups go through {@code env}. */
    public Uni<Applied> reconcile(String text, Function<String, String> env) {
        List<String> errors = new ArrayList<>();
        List<S> specs = DeclarativeFiles.entries(text, list, type, env, errors).stream().map(this::normalized)
                .toList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            S spec = specs.get(i);
            for (FieldError problem : problems(spec)) {
                errors.add(list + "[" + i + "]." + problem.field() + " " + problem.message());
            }
            String key = key(spec);
            if (key != null && !seen.add(key)) {
                errors.add(list + "[" + i + "] repeats " + key);
            }
        }
        if (errors.isEmpty()) {
            errors.addAll(conflicts(specs));
        }
        if (!errors.isEmpty()) {
            counted(errors.size());
            return Uni.createFrom().item(new Applied(0, 0, 0, errors));
        }
        return apply(specs);
    }

    private Uni<Applied> apply(List<S> specs) {
        List<String> errors = new ArrayList<>();
        int[] counts = new int[3];
        return fileManaged().chain(managed -> {
            Plan<S, E> plan = Plan.of(specs, this::key, managed, this::storedKey, this::same);
            return Multi.createFrom().iterable(plan.create())
                    .onItem().transformToUniAndConcatenate(s -> heldByOthers(s).chain(held -> {
                        if (held) {
                            errors.add(key(s) + " exists and is managed through the API; left alone");
                            return Uni.createFrom().voidItem();
                        }
                        return write(create(s), s, errors, () -> counts[0]++);
                    }))
                    .collect().asList()
                    .chain(() -> Multi.createFrom().iterable(plan.update())
                            .onItem().transformToUniAndConcatenate(c -> write(update(c.existing(), c.desired()),
                                    c.desired(), errors, () -> counts[1]++))
                            .collect().asList())
                    .chain(() -> Multi.createFrom().iterable(plan.delete())
                            .onItem().transformToUniAndConcatenate(e -> delete(e).invoke(() -> counts[2]++))
                            .collect().asList());
        }).call(this::applied).map(ignored -> {
            counted(errors.size());
            return new Applied(counts[0], counts[1], counts[2], errors);
        }).onFailure().recoverWithItem(e -> {
            counted(1);
            return new Applied(counts[0], counts[1], counts[2], List.of("applying the file failed part-way: " + e));
        });
    }

    private Uni<Void> write(Uni<?> write, S spec, List<String> errors, Runnable done) {
        return write.<Void>map(ignored -> {
            done.run();
            return null;
        }).onFailure().recoverWithItem(e -> {
            if (!raced(e)) {
                errors.add(key(spec) + ": " + describe(e));
            }
            return null;
        });
    }
}
