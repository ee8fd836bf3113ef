package io.agenttriggers.dispatcher.domain;

/**
 * The result of claiming an event's (tenant, dedup key) in the ledger: the event owns the key (its run, in
 * whatever state a previous delivery left it), or another run owns it and this one is a duplicate. {@code held}: the
 * claim created the run and this execution holds it (a redelivered run must be taken over first).
 */
public record Claim(RunRecord run, boolean duplicate, boolean held) {
}
