package io.agenttriggers.dispatcher.domain;

/**
 * The result of claiming an event's (tenant, dedup key) in the ledger: the event owns the key (its run, in
 * whatever state a previous delivery left it), or another run owns it and this one is a duplicate.
 */
public record Claim(RunRecord run, boolean duplicate) {
}
