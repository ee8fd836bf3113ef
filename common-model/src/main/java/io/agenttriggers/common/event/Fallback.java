package io.agenttriggers.common.event;

/** A fallback: an HTTP URL called with the same request as the agent runtime, and when to call it. */
public record Fallback(String url, FallbackStrategy strategy) {
}
