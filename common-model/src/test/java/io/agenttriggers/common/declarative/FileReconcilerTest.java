package io.agenttriggers.common.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.problem.Problem.FieldError;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileReconcilerTest {

    public record Entry(String tenantId, String name, Integer size) {
    }

    record Stored(String id, String managedBy, Entry entry) {
    }

    /** A store in memory: entries by tenant/name, some of them the API's. */
    static class Entries extends FileReconciler<Entry, Stored> {
        final Map<String, Stored> rows = new LinkedHashMap<>();
        final List<String> failing = new ArrayList<>();
        int counted;
        int applied;
        int ids;

        Entries() {
            super("entries", Entry.class, "Entries file");
        }

        @Override
        protected List<FieldError> problems(Entry e) {
            return e.size() != null && e.size() < 0 ? List.of(new FieldError("size", "must be 0 or more")) : List.of();
        }

        @Override
        protected String key(Entry e) {
            return e.tenantId() + "/" + e.name();
        }

        @Override
        protected String storedKey(Stored s) {
            return key(s.entry());
        }

        @Override
        protected Uni<List<Stored>> fileManaged() {
            return Uni.createFrom().item(rows.values().stream().filter(s -> "file".equals(s.managedBy())).toList());
        }

        @Override
        protected Uni<Boolean> heldByOthers(Entry e) {
            return Uni.createFrom().item(rows.containsKey(key(e)));
        }

        @Override
        protected boolean same(Entry e, Stored s) {
            return e.equals(s.entry());
        }

        @Override
        protected Uni<?> create(Entry e) {
            if (failing.contains(e.name())) {
                return Uni.createFrom().failure(new IllegalStateException("refused " + e.name()));
            }
            rows.put(key(e), new Stored("id-" + ++ids, "file", e));
            return Uni.createFrom().voidItem();
        }

        @Override
        protected Uni<?> update(Stored s, Entry e) {
            rows.put(key(e), new Stored(s.id(), "file", e));
            return Uni.createFrom().voidItem();
        }

        @Override
        protected Uni<?> delete(Stored s) {
            rows.remove(storedKey(s));
            return Uni.createFrom().voidItem();
        }

        @Override
        protected Uni<Void> applied() {
            applied++;
            return Uni.createFrom().voidItem();
        }

        @Override
        protected void counted(int errors) {
            counted += errors;
        }

        FileReconciler.Applied run(String yaml) {
            return reconcile(yaml, Map.of("SIZE", "7")::get).await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    void createsUpdatesKeepsIdentityAndDeletesWhatLeftTheFile() {
        Entries file = new Entries();
        assertThat(file.run("""
                entries:
                  - {tenantId: acme, name: a, size: 1}
                  - {tenantId: acme, name: b, size: ${SIZE}}
                """)).isEqualTo(new FileReconciler.Applied(2, 0, 0, List.of()));
        assertThat(file.rows.get("acme/b").entry().size()).isEqualTo(7);
        String idOfA = file.rows.get("acme/a").id();

        assertThat(file.run("""
                entries:
                  - {tenantId: acme, name: a, size: 2}
                  - {tenantId: acme, name: c}
                """)).isEqualTo(new FileReconciler.Applied(1, 1, 1, List.of()));
        assertThat(file.rows.get("acme/a").id()).as("a changed entry keeps its identity").isEqualTo(idOfA);
        assertThat(file.rows).containsOnlyKeys("acme/a", "acme/c");
        assertThat(file.run("entries: [{tenantId: acme, name: a, size: 2}, {tenantId: acme, name: c}]"))
                .isEqualTo(new FileReconciler.Applied(0, 0, 0, List.of()));
        assertThat(file.applied).isEqualTo(3);
        assertThat(file.counted).isZero();
    }

    @Test
    void oneBadEntryOrARepeatChangesNothing() {
        Entries file = new Entries();
        file.run("entries: [{tenantId: acme, name: a, size: 1}]");
        FileReconciler.Applied bad = file.run("""
                entries:
                  - {tenantId: acme, name: a, size: -1}
                  - {tenantId: acme, name: b}
                  - {tenantId: acme, name: b}
                  - {tenantId: acme, name: d, colour: red}
                """);
        assertThat(bad.errors()).hasSize(3).anySatisfy(e -> assertThat(e).isEqualTo("entries[0].size must be 0 or more"))
                .anySatisfy(e -> assertThat(e).isEqualTo("entries[2] repeats acme/b"))
                .anySatisfy(e -> assertThat(e).startsWith("entries[3]: Unrecognized field \"colour\""));
        assertThat(file.rows).containsOnlyKeys("acme/a");
        assertThat(file.rows.get("acme/a").entry().size()).isEqualTo(1);
        assertThat(file.counted).isEqualTo(3);
        assertThat(file.run("entries: [{tenantId: acme, name: x, size: ${UNSET}}]").errors())
                .containsExactly("environment variable UNSET is not set and has no default");
    }

    @Test
    void anEntryTheApiOwnsIsLeftAloneAndAFailedWriteIsReportedWhileTheRestIsApplied() {
        Entries file = new Entries();
        file.rows.put("acme/api", new Stored("id-api", "api", new Entry("acme", "api", 5)));
        file.failing.add("broken");
        FileReconciler.Applied applied = file.run("""
                entries:
                  - {tenantId: acme, name: api, size: 1}
                  - {tenantId: acme, name: broken}
                  - {tenantId: acme, name: fine}
                """);
        assertThat(applied.created()).isEqualTo(1);
        assertThat(applied.errors()).containsExactly("acme/api exists and is managed through the API; left alone",
                "acme/broken: java.lang.IllegalStateException: refused broken");
        assertThat(file.rows.get("acme/api").entry().size()).as("not taken over").isEqualTo(5);
        assertThat(file.rows).containsKey("acme/fine");
    }

    @Test
    void aFileIsAppliedOnlyWhenItsContentChanged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Entries file = new Entries();
        java.nio.file.Path path = dir.resolve("entries.yaml");
        java.nio.file.Files.writeString(path, "entries: [{tenantId: acme, name: a}]");
        assertThat(file.reconcileIfChanged(path).await().indefinitely().created()).isEqualTo(1);
        file.rows.clear();
        assertThat(file.reconcileIfChanged(path).await().indefinitely().created()).as("unchanged: not applied")
                .isZero();
        java.nio.file.Files.writeString(path, "entries: [{tenantId: acme, name: a}, {tenantId: acme, name: b}]");
        assertThat(file.reconcileIfChanged(path).await().indefinitely().created()).isEqualTo(2);
        assertThat(file.reconcileIfChanged(dir.resolve("missing.yaml")).await().indefinitely().errors())
                .singleElement().asString().startsWith("cannot read ");
    }
}
