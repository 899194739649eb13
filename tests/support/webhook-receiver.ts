// A webhook receiver on loopback for tests (issue 14): records every delivery with its headers and
// whether its signature verifies against the endpoint's secret, drops repeats by delivery id (as a
// real receiver should), and can be stopped and started again on the same port to play "down".
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "../../apps/web/src/server/notifications/webhook-signature.ts";

export interface ReceivedDelivery {
  id: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  json: Record<string, unknown>;
  /** Null until the secret is known (setSecret); then whether the signature verifies. */
  verified: boolean | null;
  receivedAt: number;
}

export class WebhookReceiver {
  /** Every request, repeats included, in arrival order. */
  readonly received: ReceivedDelivery[] = [];
  private server: Server | null = null;
  private secret: string | null = null;
  port = 0;
  /** The status the receiver answers with (e.g. 500 to make the portal retry). */
  status = 200;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Deliveries by id, first arrival of each. */
  unique(): Map<string, ReceivedDelivery> {
    const byId = new Map<string, ReceivedDelivery>();
    for (const delivery of this.received) if (!byId.has(delivery.id)) byId.set(delivery.id, delivery);
    return byId;
  }

  ofEvent(event: string): ReceivedDelivery[] {
    return [...this.unique().values()].filter((delivery) => delivery.event === event);
  }

  setSecret(secret: string): void {
    this.secret = secret;
    for (const delivery of this.received) delivery.verified = this.verify(delivery);
  }

  private verify(delivery: Omit<ReceivedDelivery, "verified">): boolean | null {
    return this.secret === null
      ? null
      : verifyWebhookSignature(this.secret, delivery.timestamp, delivery.body, delivery.signature);
  }

  /** Listens on `port` (0: a free one, remembered for the next start). */
  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const header = (name: string) => String(req.headers[name.toLowerCase()] ?? "");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          json = {};
        }
        const delivery = {
          id: header("Wheelhouse-Delivery"),
          event: header("Wheelhouse-Event"),
          timestamp: header("Wheelhouse-Timestamp"),
          signature: header("Wheelhouse-Signature"),
          body,
          json,
          receivedAt: Date.now(),
        };
        this.received.push({ ...delivery, verified: this.verify(delivery) });
        res.writeHead(this.status, { "content-type": "text/plain" }).end(this.status < 300 ? "ok" : "not now");
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
