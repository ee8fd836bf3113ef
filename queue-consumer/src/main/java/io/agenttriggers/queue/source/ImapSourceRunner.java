package io.agenttriggers.queue.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.SearchTerm;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An IMAP mailbox, polled for unread mail matching the filters (sender, subject, has-attachment). Each mail becomes
 * a JSON payload ({@code from, to, cc, subject, date, messageId, text, attachments[]}; attachment metadata only)
 * and an {@code io.agenttriggers.trigger.email} event; after the event is durable the mail is marked read or moved.
 * A mail that is not an event is moved to the dead-letter folder, marked read, or left unread, per
 * {@code onParseError}.
 */
public final class ImapSourceRunner extends SourceRunner {

    /** Longest text body carried in the payload; the rest is cut (and {@code textTruncated} set). */
    static final int MAX_TEXT = 64 * 1024;

    /** Whether this replica may poll the mailbox now (holds its lease for {@code ttl}). */
    @FunctionalInterface
    public interface Lease {
        boolean hold(String source, Duration ttl);

        default void release(String source) {
        }
    }

    /** Refuses the mailbox's host right before a connection (a name can resolve anywhere); throws to refuse. */
    @FunctionalInterface
    public interface HostCheck {
        void check(String host) throws MessagingException;
    }

    private final Lease lease;
    private final HostCheck hostCheck;
    private final Duration leaseDuration;
    private Thread thread;
    private volatile long stopDeadline = Long.MAX_VALUE;

    public ImapSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler) {
        this(spec, stats, publisher, scheduler, (source, ttl) -> true, host -> { }, Duration.ofSeconds(30));
    }

    /**
     * @param lease         polled only while this replica holds the mailbox's lease
     * @param minLease      the lease lasts at least this, and at least three poll intervals
     */
    public ImapSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler, Lease lease, HostCheck hostCheck, Duration minLease) {
        super(spec, stats, publisher, scheduler);
        this.lease = lease;
        this.hostCheck = hostCheck;
        Duration three = pollInterval().multipliedBy(3);
        this.leaseDuration = three.compareTo(minLease) > 0 ? three : minLease;
    }

    private boolean ssl() {
        return spec.imap().ssl() == null || spec.imap().ssl();
    }

    private int port() {
        return spec.imap().port() != null ? spec.imap().port() : ssl() ? 993 : 143;
    }

    private String folderName() {
        return spec.imap().folder() == null ? "INBOX" : spec.imap().folder();
    }

    private Duration pollInterval() {
        return spec.imap().pollInterval() == null ? Duration.ofSeconds(60) : spec.imap().pollInterval();
    }

    @Override
    public String address() {
        return (ssl() ? "imaps://" : "imap://") + spec.imap().username() + "@" + spec.imap().host() + ":" + port()
                + "/" + folderName();
    }

    @Override
    public synchronized void start() {
        thread = new Thread(this::run, "queue-" + spec.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int failures = 0;
        while (!stopping) {
            if (!paused && !lease.hold(spec.name(), leaseDuration)) {
                // Another replica polls this mailbox (or the lease cannot be read): stand by, and ask again.
                state = State.STANDBY;
                sleepUntil(System.currentTimeMillis() + Math.min(pollInterval().toMillis(), 5_000));
                continue;
            }
            if (!paused) {
                try {
                    pollOnce();
                    state = State.RUNNING;
                    failures = 0;
                    clearError();
                } catch (MessagingException | RuntimeException | Error e) {
                    state = State.RECONNECTING;
                    // Mail exceptions can quote the server's reply, never our password; keep the class only anyway.
                    noteError("IMAP: " + e.getClass().getSimpleName());
                    long wait = Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), failures++).toMillis();
                    log.warnf("Source %s: IMAP poll failed (%s); again in %d ms", spec.name(),
                            e.getClass().getSimpleName(), wait);
                    sleepUntil(System.currentTimeMillis() + wait);
                    continue;
                }
            }
            sleepUntil(System.currentTimeMillis() + (paused ? 200 : pollInterval().toMillis()));
        }
        state = State.STOPPED;
    }

    private Session session() {
        Properties p = new Properties();
        String proto = ssl() ? "imaps" : "imap";
        p.put("mail.store.protocol", proto);
        p.put("mail." + proto + ".connectiontimeout", "10000");
        p.put("mail." + proto + ".timeout", "30000");
        // Reading a mail must not mark it read: only a durable event (or onParseError) does.
        p.put("mail." + proto + ".peek", "true");
        return Session.getInstance(p);
    }

    void pollOnce() throws MessagingException {
        SourceSpec.Imap m = spec.imap();
        hostCheck.check(m.host());
        Store store = session().getStore(ssl() ? "imaps" : "imap");
        store.connect(m.host(), port(), m.username(), m.password().reveal());
        try {
            Folder folder = store.getFolder(folderName());
            folder.open(Folder.READ_WRITE);
            try {
                Message[] found = folder.search(filter());
                int max = m.maxMessagesPerPoll() == null ? 100 : m.maxMessagesPerPoll();
                stats.backlog.set(found.length);
                List<Message> batch = new ArrayList<>();
                for (Message message : found) {
                    if (batch.size() == max || stopping || paused) {
                        break;
                    }
                    if (!matches(message)) {
                        continue;
                    }
                    batch.add(message);
                }
                handleBatch(store, folder, batch);
            } finally {
                folder.close(true);
            }
        } finally {
            store.close();
        }
    }

    /** Unread mail; the sender and subject filters are applied here, as not every server searches on them. */
    private static SearchTerm filter() {
        return new FlagTerm(new Flags(Flags.Flag.SEEN), false);
    }

    /** Sender and subject contain the configured text (ignoring case), and an attachment is there if asked for. */
    private boolean matches(Message message) {
        try {
            SourceSpec.Imap m = spec.imap();
            if (m.from() != null && !m.from().isBlank()) {
                String from = addresses(message.getFrom());
                if (from == null || !from.toLowerCase(java.util.Locale.ROOT)
                        .contains(m.from().toLowerCase(java.util.Locale.ROOT))) {
                    return false;
                }
            }
            if (m.subject() != null && !m.subject().isBlank()) {
                String subject = message.getSubject();
                if (subject == null || !subject.toLowerCase(java.util.Locale.ROOT)
                        .contains(m.subject().toLowerCase(java.util.Locale.ROOT))) {
                    return false;
                }
            }
            return !Boolean.TRUE.equals(m.hasAttachment()) || hasAttachment(message);
        } catch (MessagingException e) {
            // Unreadable headers: let it through, so it is handled (and dead-lettered) rather than skipped forever.
            return true;
        }
    }

    private void handleBatch(Store store, Folder folder, List<Message> batch) throws MessagingException {
        if (batch.isEmpty()) {
            return;
        }
        Instant received = Instant.now();
        Lane lane = new Lane();
        Map<Message, CompletableFuture<Disposition>> handled = new LinkedHashMap<>();
        for (Message message : batch) {
            try {
                handled.put(message, handle(raw(folder, message, received), lane));
            } catch (IOException | MessagingException | RuntimeException e) {
                // A mail that cannot even be read (malformed headers or MIME): it follows onParseError.
                stats.received();
                handled.put(message, CompletableFuture.completedFuture(notAnEvent(id(folder, message),
                        "mail cannot be read (" + e.getClass().getSimpleName() + ")")));
            }
        }
        awaitBatch(handled.values(), stopDeadline);
        List<Message> moveDone = new ArrayList<>();
        List<Message> deadLetters = new ArrayList<>();
        for (var entry : handled.entrySet()) {
            CompletableFuture<Disposition> f = entry.getValue();
            if (!f.isDone()) {
                continue;
            }
            switch (f.join().kind()) {
                case PUBLISHED -> {
                    if (spec.imap().afterPublish() == SourceSpec.AfterPublish.MOVE) {
                        moveDone.add(entry.getKey());
                    } else {
                        entry.getKey().setFlag(Flags.Flag.SEEN, true);
                    }
                }
                case ACK -> entry.getKey().setFlag(Flags.Flag.SEEN, true);
                case DEAD_LETTER -> deadLetters.add(entry.getKey());
                case REQUEUE, ABANDONED -> {
                }
            }
        }
        if (!moveDone.isEmpty()) {
            move(store, folder, moveDone, spec.imap().moveTo());
        }
        if (!deadLetters.isEmpty()) {
            move(store, folder, deadLetters, spec.deadLetterOrDefault());
            deadLetters.forEach(d -> deadLettered());
        }
    }

    /** IMAP MOVE where the server has it; otherwise copy, then flag the originals deleted (expunged on close). */
    private static void move(Store store, Folder from, List<Message> messages, String to) throws MessagingException {
        Folder target = store.getFolder(to);
        if (!target.exists()) {
            target.create(Folder.HOLDS_MESSAGES);
        }
        Message[] array = messages.toArray(Message[]::new);
        for (Message message : array) {
            message.setFlag(Flags.Flag.SEEN, true);
        }
        if (from instanceof org.eclipse.angus.mail.imap.IMAPFolder imap && store instanceof
                org.eclipse.angus.mail.imap.IMAPStore imapStore && imapStore.hasCapability("MOVE")) {
            imap.moveMessages(array, target);
            return;
        }
        from.copyMessages(array, target);
        for (Message message : array) {
            message.setFlag(Flags.Flag.DELETED, true);
        }
    }

    private static String id(Folder folder, Message message) {
        try {
            String[] ids = message.getHeader("Message-ID");
            if (ids != null && ids.length > 0 && !ids[0].isBlank()) {
                return ids[0].trim();
            }
            if (folder instanceof UIDFolder uids) {
                return folder.getFullName() + "/" + uids.getUIDValidity() + "/" + uids.getUID(message);
            }
        } catch (MessagingException e) {
            // fall through
        }
        return folder.getFullName() + "/" + message.getMessageNumber();
    }

    private RawMessage raw(Folder folder, Message message, Instant received) throws MessagingException, IOException {
        ObjectNode mail = EventJson.MAPPER.createObjectNode();
        mail.put("from", addresses(message.getFrom()));
        mail.put("to", addresses(message.getRecipients(Message.RecipientType.TO)));
        mail.put("cc", addresses(message.getRecipients(Message.RecipientType.CC)));
        mail.put("subject", message.getSubject());
        if (message.getSentDate() != null) {
            mail.put("date", message.getSentDate().toInstant().toString());
        }
        String id = id(folder, message);
        mail.put("messageId", id);
        StringBuilder text = new StringBuilder();
        ArrayNode attachments = mail.putArray("attachments");
        walk(message, text, attachments, 0);
        boolean cut = text.length() > MAX_TEXT;
        mail.put("text", cut ? text.substring(0, MAX_TEXT) : text.toString());
        if (cut) {
            mail.put("textTruncated", true);
        }
        Map<String, String> headers = new HashMap<>();
        Enumeration<Header> all = message.getAllHeaders();
        while (all.hasMoreElements()) {
            Header h = all.nextElement();
            headers.putIfAbsent(h.getName(), h.getValue());
        }
        Map<String, String> transport = new LinkedHashMap<>();
        transport.put("folder", folder.getFullName());
        if (folder instanceof UIDFolder uids) {
            transport.put("uid", String.valueOf(uids.getUID(message)));
        }
        return new RawMessage(EventJson.MAPPER.writeValueAsBytes(mail), headers, id, received, transport);
    }

    private static String addresses(Address[] addresses) {
        if (addresses == null || addresses.length == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Address a : addresses) {
            out.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
        }
        return String.join(", ", out);
    }

    private static void walk(Part part, StringBuilder text, ArrayNode attachments, int depth)
            throws MessagingException, IOException {
        if (depth > 10) {
            return;
        }
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null) {
            ObjectNode a = attachments.addObject();
            a.put("name", part.getFileName());
            a.put("contentType", part.getContentType() == null ? null : part.getContentType().split(";")[0].trim());
            a.put("size", part.getSize());
            return;
        }
        if (part.isMimeType("text/plain")) {
            if (text.length() <= MAX_TEXT) {
                text.append(part.getContent());
            }
        } else if (part.isMimeType("text/html")) {
            if (text.isEmpty()) {
                text.append(String.valueOf(part.getContent()).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ")
                        .trim());
            }
        } else if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                walk(child, text, attachments, depth + 1);
            }
        } else if (part.getContent() instanceof InputStream in) {
            in.close();
        }
    }

    private static boolean hasAttachment(Message message) {
        try {
            ArrayNode attachments = EventJson.MAPPER.createArrayNode();
            walk(message, new StringBuilder(), attachments, 0);
            return !attachments.isEmpty();
        } catch (MessagingException | IOException e) {
            return false;
        }
    }

    @Override
    public void stop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        if (thread != null) {
            // Not interrupted: the batch in hand gets its grace, the poll sleep notices stopping by itself.
            try {
                thread.join(Math.max(1, deadline - System.currentTimeMillis() + 5_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lease.release(spec.name());
        state = State.STOPPED;
    }

    private void sleepUntil(long until) {
        while (!stopping && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
