package io.agenttriggers.dispatcher.domain;

import io.agenttriggers.common.event.DispatchOptions;
import io.agenttriggers.common.event.Fallback;
import io.agenttriggers.common.event.FallbackStrategy;
import io.agenttriggers.dispatcher.config.DispatcherConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Random;

/**
 * Agent or fallback: {@code migrationWeight} is the probability of the agent path (none = always the agent);
 * strategy {@code always} runs the fallback instead of the agent; {@code never} (or no fallback URL) never runs it.
 * The random source can be seeded ({@code triggers.dispatcher.path-seed}) so a test or an experiment is repeatable.
 */
@ApplicationScoped
public class PathChooser {

    /** The two ways a run can go. */
    public enum Path {
        AGENT, FALLBACK;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Inject
    DispatcherConfig config;

    private Random random;

    @PostConstruct
    void init() {
        random = config.pathSeed().map(Random::new).orElseGet(Random::new);
    }

    /** The fallback to use, or null when there is none to run. */
    public static Fallback usable(DispatchOptions options) {
        Fallback f = options == null ? null : options.fallback();
        if (f == null || f.url() == null || f.url().isBlank() || f.strategy() == FallbackStrategy.NEVER) {
            return null;
        }
        return f;
    }

    public Path choose(DispatchOptions options) {
        return choose(options, random.nextDouble());
    }

    /** The choice for a given uniform draw in [0, 1): pure, so tests can cover every case. */
    public static Path choose(DispatchOptions options, double draw) {
        Fallback fallback = usable(options);
        if (fallback == null) {
            return Path.AGENT;
        }
        if (fallback.strategy() == FallbackStrategy.ALWAYS) {
            return Path.FALLBACK;
        }
        Double weight = options.migrationWeight();
        return weight == null || draw < weight ? Path.AGENT : Path.FALLBACK;
    }
}
