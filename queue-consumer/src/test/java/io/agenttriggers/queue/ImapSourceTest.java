package io.agenttriggers.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The imap-support source against GreenMail (a real IMAP and SMTP server in the test JVM); mail sent over SMTP. */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class ImapSourceTest {

    @BeforeAll
    static void start() {
        InboundEvents.start();
    }

    static void sendMail(String subject, String text, boolean attachment, String ticket) throws Exception {
        sendMail("customer@example.com", InJvmServers.MAILBOX, subject, text, attachment, ticket);
    }

    static void sendMail(String from, String to, String subject, String text, boolean attachment, String ticket)
            throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(InJvmServers.mail.getSmtp().getPort()));
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(Message.RecipientType.TO, to);
        m.setSubject(subject);
        m.setHeader("X-Ticket", ticket);
        if (attachment) {
            MimeBodyPart body = new MimeBodyPart();
            body.setText(text);
            MimeBodyPart file = new MimeBodyPart();
            file.setFileName("invoice.pdf");
            file.setContent(new byte[] {1, 2, 3}, "application/pdf");
            m.setContent(new MimeMultipart(body, file));
        } else {
            m.setText(text);
        }
        Transport.send(m);
    }

    @Test
    void matchingMailBecomesAnEmailEventAndIsMovedAfterwards() throws Exception {
        String ticket = UUID.randomUUID().toString();
        sendMail("[agent] printer on fire " + ticket, "Please help, it is burning.", true, ticket);

        TriggerEvent e = await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                ticket.equals(ev.data().headers().get("X-Ticket"))), o -> o.isPresent()).get();
        assertThat(e.type()).isEqualTo(TriggerType.EMAIL);
        assertThat(e.source()).isEqualTo("/queue/imap-support");
        assertThat(e.eventName()).isEqualTo("email.received");
        assertThat(e.tenantId()).isEqualTo("acme");
        assertThat(e.dedupKey()).startsWith("queue:imap-support:<");
        assertThat(e.data().payload().get("from").asText()).isEqualTo("customer@example.com");
        assertThat(e.data().payload().get("subject").asText()).contains(ticket);
        assertThat(e.data().payload().get("text").asText()).contains("burning");
        assertThat(e.data().payload().get("attachments").get(0).get("name").asText()).isEqualTo("invoice.pdf");

        await().atMost(Duration.ofSeconds(10)).until(() -> count("Processed", ticket) == 1 && count("INBOX", ticket)
                == 0);
    }

    @Test
    void mailNotMatchingTheSubjectFilterStaysUnreadInTheInbox() throws Exception {
        String ticket = UUID.randomUUID().toString();
        sendMail("newsletter " + ticket, "not for the agent", false, ticket);
        String marker = UUID.randomUUID().toString();
        sendMail("[agent] later mail " + marker, "x", false, marker);

        // Once a later matching mail went through, the earlier poll surely saw the newsletter.
        await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                marker.equals(ev.data().headers().get("X-Ticket"))).isPresent());
        assertThat(InboundEvents.matching(ev -> ticket.equals(ev.data().headers().get("X-Ticket")))).isEmpty();
        assertThat(count("INBOX", ticket)).isEqualTo(1);
    }

    @Test
    void markReadSourceTakesOnlyMatchingSenderWithAttachmentAndMarksItRead() throws Exception {
        String withAttachment = UUID.randomUUID().toString();
        String withoutAttachment = UUID.randomUUID().toString();
        String otherSender = UUID.randomUUID().toString();
        sendMail("billing@vendor.example", InJvmServers.INVOICES, "invoice " + withoutAttachment, "no file", false,
                withoutAttachment);
        sendMail("someone@vendor.example", InJvmServers.INVOICES, "invoice " + otherSender, "file", true,
                otherSender);
        sendMail("billing@vendor.example", InJvmServers.INVOICES, "invoice " + withAttachment, "file", true,
                withAttachment);

        TriggerEvent e = await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                withAttachment.equals(ev.data().headers().get("X-Ticket"))), o -> o.isPresent()).get();
        assertThat(e.eventName()).isEqualTo("invoice.mailed");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen(InJvmServers.INVOICES, withAttachment));
        // Let a few more polls pass: the other two stay unread and never become events.
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(InboundEvents.matching(ev -> withoutAttachment.equals(ev.data().headers().get("X-Ticket"))
                || otherSender.equals(ev.data().headers().get("X-Ticket")))).isEmpty();
        assertThat(seen(InJvmServers.INVOICES, withoutAttachment)).isFalse();
        assertThat(seen(InJvmServers.INVOICES, otherSender)).isFalse();
    }

    /** Whether the mail in the user's INBOX whose subject contains {@code subjectPart} is flagged read. */
    static boolean seen(String user, String subjectPart) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", InJvmServers.mail.getImap().getPort(), user, InJvmServers.IMAP_PASSWORD);
        try {
            Folder folder = store.getFolder("INBOX");
            folder.open(Folder.READ_ONLY);
            boolean seen = false;
            for (Message m : folder.getMessages()) {
                if (m.getSubject() != null && m.getSubject().contains(subjectPart)) {
                    seen = m.isSet(jakarta.mail.Flags.Flag.SEEN);
                }
            }
            folder.close(false);
            return seen;
        } finally {
            store.close();
        }
    }

    static int count(String folderName, String subjectPart) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", InJvmServers.mail.getImap().getPort(), InJvmServers.MAILBOX,
                InJvmServers.IMAP_PASSWORD);
        try {
            Folder folder = store.getFolder(folderName);
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            int n = 0;
            for (Message m : folder.getMessages()) {
                if (!m.isSet(jakarta.mail.Flags.Flag.DELETED) && m.getSubject() != null
                        && m.getSubject().contains(subjectPart)) {
                    n++;
                }
            }
            folder.close(false);
            return n;
        } finally {
            store.close();
        }
    }

}
