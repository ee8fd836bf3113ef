package io.agenttriggers.queue.source;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Which replica polls a mailbox (table {@code queue.mailbox_leases}): the one whose lease has not expired. A replica
 * takes or renews the lease before each poll, so two replicas never mark the same mail read or publish it twice in
 * the ordinary course; a replica that dies is replaced once its lease runs out. Blocking: called from the mailbox's
 * own polling thread.
 */
@ApplicationScoped
public class MailboxLeases implements ImapSourceRunner.Lease {

    private static final Logger LOG = Logger.getLogger(MailboxLeases.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    /** This replica, as lease rows name it. */
    final String owner = ProcessHandle.current().pid() + "@" + host() + "/" + UUID.randomUUID().toString()
            .substring(0, 8);

    @Inject
    Pool pool;

    /** Whether this replica holds the source's lease for {@code ttl} from now (taken or renewed); false if unsure. */
    @Override
    public boolean hold(String source, Duration ttl) {
        try {
            return pool.preparedQuery("insert into queue.mailbox_leases (source, owner, expires_at) values ($1, $2, "
                    + "now() + make_interval(secs => $3)) on conflict (source) do update set owner = excluded.owner, "
                    + "expires_at = excluded.expires_at where mailbox_leases.owner = excluded.owner "
                    + "or mailbox_leases.expires_at < now() returning owner")
                    .execute(Tuple.of(source, owner, (double) ttl.toMillis() / 1000))
                    .map(rows -> rows.size() == 1)
                    .await().atMost(CALL_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("Mailbox lease of %s not taken (%s)", source, e.getClass().getSimpleName());
            return false;
        }
    }

    /** Gives the lease up (the source stops here), so another replica polls at once. */
    @Override
    public void release(String source) {
        try {
            pool.preparedQuery("delete from queue.mailbox_leases where source = $1 and owner = $2")
                    .execute(Tuple.of(source, owner)).await().atMost(CALL_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf("Mailbox lease of %s not released (%s); it expires", source, e.getClass().getSimpleName());
        }
    }

    /** Who holds the source's lease now, or null. */
    public String holder(String source) {
        try {
            return pool.preparedQuery("select owner from queue.mailbox_leases where source = $1 and expires_at > now()")
                    .execute(Tuple.of(source)).map(rows -> rows.size() == 0 ? null
                            : rows.iterator().next().getString(0)).await().atMost(CALL_TIMEOUT);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "local" : host;
    }
}
