package io.agenttriggers.queue.messaging;

import io.agenttriggers.queue.config.QueueConsumerConfig;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.source.AmqpSourceRunner;
import io.agenttriggers.queue.source.SourceManager;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.mutiny.amqp.AmqpClient;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the default AMQP 1.0 broker (RabbitMQ with its AMQP 1.0 plugin) when a source reads from it: opens
 * and closes a real AMQP 1.0 connection, so a broker without the plugin, or with wrong credentials, reads DOWN. The
 * password never appears in the response.
 */
@Readiness
@ApplicationScoped
public class AmqpBrokerHealthCheck implements AsyncHealthCheck {

    @Inject
    Vertx vertx;

    @Inject
    QueueConsumerConfig config;

    @Inject
    SourceManager sources;

    @Override
    public Uni<HealthCheckResponse> call() {
        boolean used = sources.runners().stream().anyMatch(r -> r.spec().type() == SourceSpec.Type.AMQP
                && r.spec().enabledOrDefault() && r.spec().amqp().host() == null);
        if (!used) {
            // No source reads from the default broker: it is not a dependency of this deployment.
            return Uni.createFrom().item(HealthCheckResponse.named("AMQP 1.0 broker").up()
                    .withData("broker", "not used by any source").build());
        }
        AmqpSourceRunner.Defaults broker = sources.amqpDefaults();
        AmqpClient client = AmqpClient.create(vertx, new AmqpClientOptions()
                .setHost(broker.host()).setPort(broker.port()).setUsername(broker.username())
                .setPassword(broker.password()).setConnectTimeout((int) config.brokerCheckTimeout().toMillis()));
        String address = broker.host() + ":" + broker.port();
        return client.connect()
                .chain(connection -> connection.close())
                .ifNoItem().after(config.brokerCheckTimeout()).fail()
                .map(ignored -> HealthCheckResponse.named("AMQP 1.0 broker").up().withData("broker", address).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("AMQP 1.0 broker").down()
                        .withData("broker", address).withData("error", e.getClass().getSimpleName()).build())
                .eventually(() -> client.close().onFailure().recoverWithNull());
    }
}
