package io.agenttriggers.common.declarative;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * What it takes to bring the entries one owner holds (a declarative file, a workflow deployment) to a desired set:
 * desired entries are recognised among the existing ones by a key (tenant and name), so a changed entry keeps its
 * identity and history; existing entries the desired set no longer names are deleted.
 *
 * @param <S> a desired entry (a spec)
 * @param <E> an existing entry (a stored row)
 */
public record Plan<S, E>(List<S> create, List<Change<S, E>> update, List<E> unchanged, List<E> delete) {

    /** An existing entry and what it becomes. */
    public record Change<S, E>(E existing, S desired) {
    }

    /**
     * Plans {@code desired} against {@code existing}. Keys are unique on both sides (the caller refuses repeats in the
     * desired set first); {@code same} tells an entry that needs no write.
     */
    public static <S, E> Plan<S, E> of(List<S> desired, Function<S, String> desiredKey, List<E> existing,
            Function<E, String> existingKey, BiPredicate<S, E> same) {
        Map<String, E> byKey = new LinkedHashMap<>();
        existing.forEach(e -> byKey.put(existingKey.apply(e), e));
        List<S> create = new ArrayList<>();
        List<Change<S, E>> update = new ArrayList<>();
        List<E> unchanged = new ArrayList<>();
        for (S s : desired) {
            E e = byKey.remove(desiredKey.apply(s));
            if (e == null) {
                create.add(s);
            } else if (same.test(s, e)) {
                unchanged.add(e);
            } else {
                update.add(new Change<>(e, s));
            }
        }
        return new Plan<>(List.copyOf(create), List.copyOf(update), List.copyOf(unchanged),
                List.copyOf(byKey.values()));
    }

    /** Whether applying it writes nothing. */
    public boolean isEmpty() {
        return create.isEmpty() && update.isEmpty() && delete.isEmpty();
    }
}
