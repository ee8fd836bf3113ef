package io.agenttriggers.api.domain;

import io.agenttriggers.common.event.ResponseMode;

/** An API trigger: a method and path that turn a request into a trigger event. */
public record ApiTrigger(String id, String method, String path, String eventName, String tenantId,
        ResponseMode responseMode, String focus) {

    /** The CloudEvent source of its events. */
    public String source() {
        return "/api/" + id;
    }
}
