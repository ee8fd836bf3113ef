// Reads a JSON array of {secret, whsecret, payload, timestamp, msgId} from argv[2] and prints, for each, the
// signatures the providers' own SDKs make.
import { sign } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";

const stripe = new Stripe("sk_test_not_used");
const out = [];
for (const input of JSON.parse(process.argv[2])) {
  out.push({
    github: await sign(input.secret, input.payload),
    stripe: stripe.webhooks.generateTestHeaderString({
      payload: input.payload,
      secret: input.secret,
      timestamp: input.timestamp,
    }),
    standardWebhooks: new Webhook(input.whsecret).sign(input.msgId, new Date(input.timestamp * 1000), input.payload),
  });
}
console.log(JSON.stringify(out));
