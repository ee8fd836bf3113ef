package io.agenttriggers.common.versioned;

/** A write would give the configuration a name its scope (tenant, or workflow for a deployment's) already holds. */
public class NameTaken extends RuntimeException {

    public NameTaken() {
        super(null, null, false, false);
    }
}
