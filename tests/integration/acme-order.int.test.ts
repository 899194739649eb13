// The portal's ACME order (issue 15) against a real pebble. The agent's nginx, which serves the
// challenge answers in production, is tested elsewhere: here a tiny loopback HTTP server on
// pebble's httpPort serves what the publisher put, so these tests are about the ACME conversation.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import * as acme from "acme-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AcmeProblem,
  type ChallengePublisher,
  createAccountKey,
  orderCertificate,
} from "../../apps/web/src/server/certificates/acme-order.ts";
import { splitPemCertificates } from "../../apps/web/src/server/certificates/certificate-chain.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { type PebbleServer, startPebble } from "../support/pebble.ts";

const CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

/** What the agent's nginx does for HTTP-01: answers the published key authorization, else 404. */
async function startChallengeServer(port: number, answers: Map<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const token = request.url?.startsWith(CHALLENGE_PREFIX) ? request.url.slice(CHALLENGE_PREFIX.length) : "";
    const answer = answers.get(token);
    response.writeHead(answer === undefined ? 404 : 200, { "content-type": "text/plain" });
    response.end(answer ?? "not published");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

/** Publishes into `answers` (served above), or, with `publish: false`, only records the calls. */
function recordingPublisher(answers: Map<string, string>, publish = true) {
  const calls: string[] = [];
  const publisher: ChallengePublisher = {
    async put(token, keyAuthorization) {
      calls.push(`put ${token}`);
      if (publish) answers.set(token, keyAuthorization);
    },
    async remove(token) {
      calls.push(`remove ${token}`);
      answers.delete(token);
    },
  };
  return { publisher, calls };
}

async function orderFailure(promise: Promise<unknown>): Promise<AcmeProblem> {
  const error = await promise.then(
    () => new Error("the order succeeded"),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AcmeProblem);
  return error as AcmeProblem;
}

/** Each certificate of the chain is issued and signed by the next one, the last by `rootPem`. */
function expectChainUpTo(fullChainPem: string, rootPem: string): void {
  const chain = [...splitPemCertificates(fullChainPem), rootPem].map((pem) => new X509Certificate(pem));
  expect(chain.length).toBeGreaterThanOrEqual(3);
  for (let index = 0; index < chain.length - 1; index++) {
    const [child, parent] = [chain[index], chain[index + 1]];
    if (!child || !parent) throw new Error("chain entry missing");
    expect(child.checkIssued(parent), `certificate ${index} issued by the next`).toBe(true);
    expect(child.verify(parent.publicKey), `certificate ${index} signed by the next`).toBe(true);
  }
}

describe("ACME order against pebble", () => {
  let pebble: PebbleServer;
  let challengeServer: Server;
  const answers = new Map<string, string>();

  beforeAll(async () => {
    const httpPort = await freePort();
    challengeServer = await startChallengeServer(httpPort, answers);
    pebble = await startPebble({ httpPort });
  });

  afterAll(async () => {
    await pebble?.stop();
    await new Promise<void>((resolve) => (challengeServer ? challengeServer.close(() => resolve()) : resolve()));
  });

  const directory = () => ({ url: pebble.directoryUrl, caBundlePem: pebble.caBundlePem });

  it("issues a certificate whose chain leads to pebble's root, and the account is reused", async () => {
    const accountKeyPem = await createAccountKey();
    const { publisher, calls } = recordingPublisher(answers);
    const steps: string[] = [];
    const first = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem, accountUrl: null, email: "ops@shop.test" },
      domain: "shop.test",
      publisher,
      onProgress: (step) => steps.push(step),
    });

    expect(first.certificate.names).toEqual(["shop.test"]);
    expect(first.certificate.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(first.certificate.notBefore.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(first.certificate.issuer).toMatch(/Pebble Intermediate CA/);
    expectChainUpTo(first.certificate.fullChainPem, await pebble.rootPem());
    const leaf = new X509Certificate(splitPemCertificates(first.certificate.fullChainPem)[0] ?? "");
    expect(leaf.checkPrivateKey(createPrivateKey(first.certificate.keyPem)), "the key belongs to the leaf").toBe(true);
    expect(first.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(steps).toEqual(["account", "order", "challenge", "finalize"]);
    // The answer was published, then taken down again.
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(/^put /);
    expect(calls[1]).toBe(calls[0]?.replace(/^put/, "remove"));
    expect(answers.size).toBe(0);

    // Without an email on purpose: an account update with nothing in it is what pebble refuses.
    const second = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem, accountUrl: first.accountUrl, email: null },
      domain: "shop.test",
      publisher,
    });
    expect(second.accountUrl).toBe(first.accountUrl);
    expect(second.certificate.serial).not.toBe(first.certificate.serial);
    expect(second.certificate.names).toEqual(["shop.test"]);

    // The bundle was trusted for those ACME requests only, not by the process's other HTTPS.
    await expect(fetch(pebble.directoryUrl)).rejects.toThrow();
  });

  it("tells the CA a changed email before ordering, and registers again when the CA forgot the account", async () => {
    const accountKeyPem = await createAccountKey();
    const { publisher } = recordingPublisher(answers);
    const first = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem, accountUrl: null, email: "old@shop.test" },
      domain: "contact.shop.test",
      publisher,
    });
    /**
     * The contact the CA holds for the key's account, looked up as RFC 8555 section 7.3.1 allows.
     * acme-client's axios trusts pebble's API certificate only for this read.
     */
    const contactAtCa = async () => {
      const trusting = new HttpsAgent({ ca: pebble.caBundlePem });
      const previous = acme.axios.defaults.httpsAgent;
      acme.axios.defaults.httpsAgent = trusting;
      try {
        const client = new acme.Client({ directoryUrl: pebble.directoryUrl, accountKey: accountKeyPem });
        const account = await client.createAccount({ onlyReturnExisting: true });
        return account.contact ?? [];
      } finally {
        acme.axios.defaults.httpsAgent = previous;
        trusting.destroy();
      }
    };
    expect(await contactAtCa()).toEqual(["mailto:old@shop.test"]);

    await orderCertificate({
      directory: directory(),
      account: {
        accountKeyPem,
        accountUrl: first.accountUrl,
        email: "new@shop.test",
        registeredEmail: "old@shop.test",
      },
      domain: "contact.shop.test",
      publisher,
    });
    expect(await contactAtCa()).toEqual(["mailto:new@shop.test"]);

    // A stored URL the CA does not know: the order signs in by the key (here a fresh one, so the CA
    // registers it) and reports the new URL, instead of failing every order until someone notices.
    const forgetfulKey = await createAccountKey();
    const remembered: string[] = [];
    const unknownUrl = `${new URL(first.accountUrl).origin}/my-account/4242424242`;
    const again = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem: forgetfulKey, accountUrl: unknownUrl, email: null },
      domain: "contact.shop.test",
      publisher,
      onAccount: async (url) => {
        remembered.push(url);
      },
    });
    expect(again.accountUrl).not.toBe(unknownUrl);
    expect(remembered).toEqual([again.accountUrl]);
    expect(again.certificate.names).toEqual(["contact.shop.test"]);
  });

  it("reports a challenge pebble could not fetch as the CA's problem, and takes the token down", async () => {
    const { publisher, calls } = recordingPublisher(answers, false);
    const problem = await orderFailure(
      orderCertificate({
        directory: directory(),
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "unpublished.test",
        publisher,
      }),
    );
    expect(problem.type).toMatch(/^urn:ietf:params:acme:error:/);
    expect(problem.detail).toContain("unpublished.test");
    // The challenge's own status, not the 200 of the answer that carried it.
    expect(problem.status).toBe(403);
    expect(calls.map((call) => call.split(" ")[0])).toEqual(["put", "remove"]);
  });

  it("finds the account of a key whose URL was never stored, without an email, after a failed order", async () => {
    const accountKeyPem = await createAccountKey();
    const remembered: string[] = [];
    const failed = await orderFailure(
      orderCertificate({
        directory: directory(),
        account: { accountKeyPem, accountUrl: null, email: null },
        domain: "retry.shop.test",
        publisher: recordingPublisher(answers, false).publisher,
        onAccount: async (url) => {
          remembered.push(url);
        },
      }),
    );
    expect(failed.type).toBe("urn:ietf:params:acme:error:unauthorized");
    // The URL is handed over before the order, so a failed order does not lose it...
    expect(remembered).toHaveLength(1);
    // ...and had it been lost (a crash before it was stored), the retry finds the same account.
    const retried = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem, accountUrl: null, email: null },
      domain: "retry.shop.test",
      publisher: recordingPublisher(answers).publisher,
    });
    expect(retried.accountUrl).toBe(remembered[0]);
    expect(retried.certificate.names).toEqual(["retry.shop.test"]);
  });

  it("stops when the caller aborts, with the caller's reason, and still takes the token down", async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const stopping = new Error("the portal is stopping");
    const outcome = await orderCertificate({
      directory: directory(),
      account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
      domain: "aborted.shop.test",
      publisher: {
        async put(token) {
          calls.push(`put ${token}`);
          controller.abort(stopping);
        },
        async remove(token) {
          calls.push(`remove ${token}`);
        },
      },
      signal: controller.signal,
    }).then(
      () => "issued",
      (error: unknown) => error,
    );
    expect(outcome).toBe(stopping);
    expect(calls.map((call) => call.split(" ")[0])).toEqual(["put", "remove"]);
  });

  it("reports a problem the CA answers with an HTTP error verbatim, with its status", async () => {
    const problem = await orderFailure(
      orderCertificate({
        directory: directory(),
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        // Our schemas would refuse this name; the order is asked for it to make the CA refuse.
        domain: "under_score.test",
        publisher: recordingPublisher(answers).publisher,
      }),
    );
    expect(problem.type).toBe("urn:ietf:params:acme:error:malformed");
    expect(problem.detail).toBe("Order included DNS identifier with a value containing an illegal character: '_'");
    expect(problem.status).toBe(400);
  });

  it("reports a name the DNS cannot resolve (challtestsrv SERVFAIL) as pebble's problem", async () => {
    await pebble.failValidationFor("broken.test");
    const { publisher } = recordingPublisher(answers);
    const problem = await orderFailure(
      orderCertificate({
        directory: directory(),
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "broken.test",
        publisher,
      }),
    );
    // pebble resolves the name while fetching the answer, so it calls this a connection problem.
    expect(problem.type).toBe("urn:ietf:params:acme:error:connection");
    expect(problem.detail).toMatch(/could not resolve URL "http:\/\/broken\.test:\d+\/\.well-known\/acme-challenge\//);
  });

  it("reports a directory nobody answers as a network problem", async () => {
    const closedPort = await freePort();
    const problem = await orderFailure(
      orderCertificate({
        directory: { url: `https://127.0.0.1:${closedPort}/dir`, caBundlePem: pebble.caBundlePem },
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "shop.test",
        publisher: recordingPublisher(answers).publisher,
      }),
    );
    expect(problem.type).toBe("wheelhouse:network");
    expect(problem.detail).toMatch(/ECONNREFUSED/);
  });

  it("reports an ACME server whose certificate is not trusted as a TLS problem", async () => {
    const problem = await orderFailure(
      orderCertificate({
        directory: { url: pebble.directoryUrl, caBundlePem: null },
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "shop.test",
        publisher: recordingPublisher(answers).publisher,
      }),
    );
    expect(problem.type).toBe("wheelhouse:tls");
    expect(problem.detail).toMatch(/not trusted/);
  });

  it("reports a directory URL on a port that does not speak TLS as a TLS problem", async () => {
    const address = challengeServer.address();
    if (address === null || typeof address === "string") throw new Error("the challenge server has no port");
    const problem = await orderFailure(
      orderCertificate({
        directory: { url: `https://127.0.0.1:${address.port}/dir`, caBundlePem: null },
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "shop.test",
        publisher: recordingPublisher(answers).publisher,
      }),
    );
    expect(problem.type).toBe("wheelhouse:tls");
    expect(problem.detail).toMatch(/^The TLS connection to the ACME server failed .*EPROTO/);
  });
});

describe("pebble's certificateValidityPeriod (for renewal tests)", () => {
  it("issues certificates with the lifetime the harness asks for", async () => {
    const answers = new Map<string, string>();
    const httpPort = await freePort();
    const challengeServer = await startChallengeServer(httpPort, answers);
    const pebble = await startPebble({ httpPort, certificateValiditySeconds: 120 });
    try {
      const { certificate } = await orderCertificate({
        directory: { url: pebble.directoryUrl, caBundlePem: pebble.caBundlePem },
        account: { accountKeyPem: await createAccountKey(), accountUrl: null, email: null },
        domain: "short.shop.test",
        publisher: recordingPublisher(answers).publisher,
      });
      const lifetimeSeconds = (certificate.notAfter.getTime() - certificate.notBefore.getTime()) / 1_000;
      // pebble makes notAfter = notBefore + period - 1 s.
      expect(lifetimeSeconds).toBeGreaterThanOrEqual(118);
      expect(lifetimeSeconds).toBeLessThanOrEqual(120);
    } finally {
      await pebble.stop();
      await new Promise<void>((resolve) => challengeServer.close(() => resolve()));
    }
  });
});
