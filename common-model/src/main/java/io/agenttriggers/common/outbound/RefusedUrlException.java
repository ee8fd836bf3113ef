package io.agenttriggers.common.outbound;

/**
 * A URL the {@link OutboundUrlPolicy} will not call. The message says why as a predicate of the URL ("must be an
 * http or https URL", "points at 10.0.0.5, a private address; ..."), so it reads as a field error as it is.
 */
public class RefusedUrlException extends RuntimeException {

    public RefusedUrlException(String reason) {
        super(reason, null, false, false);
    }
}
