package io.agenttriggers.webhook.persistence;

import io.agenttriggers.common.versioned.VersionRow;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One snapshot of an endpoint's configuration, without secrets ({@code webhook.endpoint_versions}). */
@Entity
@Table(schema = "webhook", name = "endpoint_versions")
@AttributeOverride(name = "ownerId", column = @Column(name = "endpoint_id"))
public class EndpointVersionRow extends VersionRow {
}
