import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The baseline of the ingest benchmark: a bare Vert.x HTTP server that reads the body and answers 202 with a small
 * JSON, doing nothing else. Run with the webhook-gateway's own Vert.x on the class path (see webhook-ingest.sh).
 */
public class BareServer {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            vertx.createHttpServer().requestHandler(req -> req.body().onComplete(body -> req.response()
                    .setStatusCode(202)
                    .putHeader("Content-Type", "application/json")
                    .end("{\"runId\":\"00000000-0000-7000-8000-000000000000\",\"status\":\"accepted\"}")))
                    .listen(port);
        }
        System.out.println("bare server on " + port);
    }
}
