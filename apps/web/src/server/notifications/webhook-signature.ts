// The signature every webhook delivery carries (docs/webhooks.md): `v1=` + hex HMAC-SHA256 over
// `${timestamp}.${body}` with the endpoint's secret. The timestamp is signed too, so a receiver can
// refuse an old delivery replayed at it; the `v1=` prefix leaves room for another scheme later.
import { createHmac, timingSafeEqual } from "node:crypto";

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does; the tests' receiver and the documentation's snippet do the same. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
