// Certificates over tRPC and REST (/api/v1/certificates), issue 15: thin over the reads, the
// requests and the ACME settings. Keys never leave the portal through here.
import {
  acmeSettingsAnswerSchema,
  acmeSettingsSchema,
  certificateAnswerSchema,
  certificateDomainInputSchema,
  certificateLookupInputSchema,
  certificatesAnswerSchema,
  certificateUploadSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { CaBundleError, effectiveAcmeSettings } from "./acme-settings";
import { forgetAcmeSettings, saveAcmeSettings } from "./acme-settings-changes";
import { getCertificate, listCertificates } from "./certificate-reads";
import { renewCertificate, requestCertificate } from "./certificate-requests";
import { uploadCertificate } from "./certificate-uploads";

const TAGS = ["certificates"];

const target = (domain: string) => ({ type: "certificate", id: domain });

export const certificatesRouter = router({
  list: withPermission("certificates.read")
    .meta(rest("GET", "/certificates", "The team's certificates: status, dates, issuer, last error", TAGS))
    .input(z.object({}).strict().optional())
    .output(certificatesAnswerSchema)
    .query(async ({ ctx }) => ({ certificates: await listCertificates(ctx.services.db, ctx.user.team.id) })),

  get: withPermission("certificates.read")
    .meta(rest("GET", "/certificates/{domain}", "One certificate with its chain and history (never its key)", TAGS))
    .input(certificateLookupInputSchema)
    .output(certificateAnswerSchema)
    .query(async ({ ctx, input }) => ({
      certificate: await getCertificate(ctx.services.db, ctx.user.team.id, input.domain),
    })),

  issue: withPermission("certificates.manage")
    .meta(
      rest(
        "POST",
        "/certificates/{domain}/issue",
        "Order a certificate for a domain of an app from the ACME directory (renews one that exists); answers at once, Pending",
        TAGS,
      ),
    )
    .input(certificateDomainInputSchema)
    .output(certificateAnswerSchema)
    .mutation(async ({ ctx, input }) => {
      const { certificate, created } = await requestCertificate(
        ctx.services,
        ctx.user.team.id,
        input.domain,
        ctx.user.email,
      );
      await ctx.audit({
        action: created ? "certificates.issue" : "certificates.renew",
        target: target(input.domain),
        details: { domain: input.domain, app: certificate.app.name },
      });
      return { certificate };
    }),

  renew: withPermission("certificates.manage")
    .meta(rest("POST", "/certificates/{domain}/renew", "Order the domain's certificate again now", TAGS))
    .input(certificateDomainInputSchema)
    .output(certificateAnswerSchema)
    .mutation(async ({ ctx, input }) => {
      const certificate = await renewCertificate(ctx.services, ctx.user.team.id, input.domain, ctx.user.email);
      await ctx.audit({
        action: "certificates.renew",
        target: target(input.domain),
        details: { domain: input.domain, app: certificate.app.name },
      });
      return { certificate };
    }),

  upload: withPermission("certificates.manage")
    .meta(
      rest(
        "POST",
        "/certificates/{domain}/upload",
        "Serve a certificate of your own for a domain of an app: certificate, key, chain and an optional trusted root, checked first (each problem refused with its own sentence); replaces the domain's certificate, Active at once",
        TAGS,
      ),
    )
    .input(certificateUploadSchema)
    .output(certificateAnswerSchema)
    .mutation(async ({ ctx, input }) => {
      const certificate = await uploadCertificate(ctx.services, ctx.user.team.id, input, ctx.user.email);
      // Never key material: what was served, and until when.
      await ctx.audit({
        action: "certificates.upload",
        target: target(input.domain),
        details: {
          domain: input.domain,
          app: certificate.app.name,
          issuer: certificate.issuer,
          notAfter: certificate.notAfter,
        },
      });
      return { certificate };
    }),

  acmeSettings: withPermission("certificates.read")
    .meta(rest("GET", "/acme-settings", "The ACME directory certificates are ordered from", TAGS))
    .input(z.object({}).strict().optional())
    .output(acmeSettingsAnswerSchema)
    .query(async ({ ctx }) => readableAcmeSettings(ctx.services)),

  saveAcmeSettings: withPermission("certificates.settings.manage")
    .meta(rest("PUT", "/acme-settings", "Choose the ACME directory, its CA bundle and contact", TAGS))
    .input(acmeSettingsSchema)
    .output(acmeSettingsAnswerSchema)
    .mutation(async ({ ctx, input }) => {
      const before = await effectiveAcmeSettings(ctx.services.db, ctx.services.config).catch(() => null);
      const saved = await saveAcmeSettings(ctx.services.db, input);
      await ctx.audit({
        action: "certificates.settings.update",
        target: { type: "acme-settings", id: "portal" },
        details: {
          before: before && {
            directoryUrl: before.directoryUrl,
            email: before.email,
            caBundle: before.caBundlePem !== null,
          },
          after: { directoryUrl: saved.directoryUrl, email: saved.email, caBundle: saved.caBundlePem !== null },
        },
      });
      return { ...saved, source: "settings" as const };
    }),

  resetAcmeSettings: withPermission("certificates.settings.manage")
    .meta(
      rest(
        "DELETE",
        "/acme-settings",
        "Forget the saved ACME settings: the environment's defaults (ACME_DIRECTORY_URL, ACME_CA_BUNDLE, ACME_EMAIL) apply again",
        TAGS,
      ),
    )
    .input(z.object({}).strict().optional())
    .output(acmeSettingsAnswerSchema)
    .mutation(async ({ ctx }) => {
      const before = await effectiveAcmeSettings(ctx.services.db, ctx.services.config).catch(() => null);
      const forgot = await forgetAcmeSettings(ctx.services.db);
      const after = await readableAcmeSettings(ctx.services);
      await ctx.audit({
        action: "certificates.settings.reset",
        target: { type: "acme-settings", id: "portal" },
        details: {
          forgot,
          before: before && { directoryUrl: before.directoryUrl, email: before.email, source: before.source },
          after: { directoryUrl: after.directoryUrl, email: after.email, source: after.source },
        },
      });
      return after;
    }),
});

/** The settings in use; an unreadable ACME_CA_BUNDLE is the host's to fix, said in a sentence naming it. */
async function readableAcmeSettings(services: Pick<PortalServices, "db" | "config">) {
  try {
    return await effectiveAcmeSettings(services.db, services.config);
  } catch (error) {
    if (error instanceof CaBundleError) throw new AppError("NOT_READY", error.message);
    throw error;
  }
}
