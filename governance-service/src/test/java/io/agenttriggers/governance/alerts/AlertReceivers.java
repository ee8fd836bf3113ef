package io.agenttriggers.governance.alerts;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The channels' far ends, real and in the test JVM: WireMock for webhooks and Slack, GreenMail for SMTP; WireMock
 * stands in for the ledger's run API too.
 */
public class AlertReceivers implements QuarkusTestResourceLifecycleManager {

    static WireMockServer http;
    static GreenMail mail;

    @Override
    public Map<String, String> start() {
        http = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        http.start();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        // WireMock also answers for the ledger (the dispatcher's run API) that a dry run reads.
        return Map.of("quarkus.mailer.port", Integer.toString(mail.getSmtp().getPort()),
                "quarkus.mailer.host", "127.0.0.1", "quarkus.rest-client.dispatcher.url", url(""));
    }

    @Override
    public void stop() {
        if (http != null) {
            http.stop();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + http.port() + path;
    }
}
