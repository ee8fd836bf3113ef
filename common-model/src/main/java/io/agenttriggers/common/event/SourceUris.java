package io.agenttriggers.common.event;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event sources as URIs, each parsed once: a service publishes from a small set of sources (one per endpoint,
 * trigger, schedule or queue), and parsing the same one twice for every event showed in the ingest profile. The cache
 * is bounded; past the bound it starts over.
 */
final class SourceUris {

    private static final int MAX_ENTRIES = 10_000;
    private static final ConcurrentHashMap<String, URI> PARSED = new ConcurrentHashMap<>();

    private SourceUris() {
    }

    static URI of(String source) throws URISyntaxException {
        URI uri = PARSED.get(source);
        if (uri == null) {
            uri = new URI(source);
            if (PARSED.size() >= MAX_ENTRIES) {
                PARSED.clear();
            }
            PARSED.put(source, uri);
        }
        return uri;
    }
}
