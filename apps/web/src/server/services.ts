// The long-lived parts of a running portal, built once in main.ts and handed to every handler.
import type { EventEmitter } from "node:events";
import type { RefusalTally } from "./audit/refusal-tally";
import type { Config } from "./config/env";
import type { SecretBox } from "./config/secret-box";
import type { Db } from "./db/client";
import type { WriteHealth } from "./db/write-health";
import type { DeployOrchestrator } from "./deployments/deploy-orchestrator";
import type { NginxSync } from "./deployments/nginx-sync";
import type { AgentRegistry } from "./hosts/agent-registry";
import type { InventoryStore } from "./hosts/docker-inventory";
import type { SignalIntake } from "./incidents/signal-intake";
import type { HealthWatch } from "./live-health/health-watch";
import type { Logger } from "./logging/logger";
import type { PortalMetrics } from "./metrics/registry";
import type { WebhookWorker } from "./notifications/webhook-worker";
import type { AttachTokens } from "./terminal/attach-tokens";
import type { TerminalManager } from "./terminal/terminal-manager";

export interface PortalEvents {
  /** Every session of this user ended (disabled, or signed out everywhere): close their sockets too. */
  sessionsEnded: [userId: string];
  /** One session ended (sign-out). */
  sessionEnded: [sessionId: string];
  /** This user's role or container shell grant changed: live sockets re-check what they may hold. */
  accessChanged: [userId: string];
  /** A rule for everyone in this team changed (which roles must use a second factor): its sockets re-check. */
  teamAccessChanged: [teamId: string];
  /** First-run setup created the first team. */
  teamCreated: [teamId: string];
  /** A deployment changed state or wrote to its log: browsers of that team refresh. */
  deploymentChanged: [teamId: string, deploymentId: string];
  /**
   * An agent sent its whole inventory: on every connect, and when its Docker event stream starts
   * again. Its host is reconciled, and log streams it held before a reconnect resume.
   */
  agentInventoryReceived: [hostId: string];
  /** One of the host's Wheelhouse containers changed state or went away. */
  hostAppContainerChanged: [hostId: string];
  /** An incident opened, changed or gained a timeline entry: browsers of that team refresh. */
  incidentChanged: [teamId: string, incidentId: string];
  /** An approval request was made, reviewed, executed or ended: browsers of that team refresh. */
  approvalChanged: [teamId: string, requestId: string];
  /** Webhook deliveries were queued (notifications/notify.ts): the delivery worker looks now, not at its next tick. */
  notificationsQueued: [];
  /** A certificate was asked for or renewed (certificates/): the certificate worker looks now. */
  certificatesQueued: [];
  /** A certificate's status or contents changed: browsers of that team refresh. */
  certificateChanged: [teamId: string, certificateId: string];
  /**
   * An agent sent a batch of a log stream, or ended one (logs/log-relay.ts); `refuse` is called when
   * the stream is another host's, so the agent's message is refused like any other bad one.
   */
}

export interface PortalServices {
  config: Config;
  db: Db;
  logger: Logger;
  secretKey: Buffer;
  events: EventEmitter<PortalEvents>;
  readiness: { migrationsApplied: boolean };
  /** Whether the database can save changes (a full disk); /health/ready and the transport edges read it. */
  writes: WriteHealth;
  /** Agents connected to this process; the one way to send them commands. */
  agents: AgentRegistry;
  /** Each host's Docker inventory as its agent last reported it. */
  inventory: InventoryStore;
  /** Seals and opens app secrets with SECRET_KEY. */
  secrets: SecretBox;
  deployments: DeployOrchestrator;
  nginx: NginxSync;
  /** Sends each agent the live instances it probes (live-health/health-watch.ts). */
  health: HealthWatch;
  metrics: PortalMetrics;
  /** Live browser shells (terminal/terminal-manager.ts) and their single-use attach tokens. */
  terminals: TerminalManager;
  terminalTokens: AttachTokens;
  /** Where every incident signal enters: stored, deduplicated by fingerprint, or opening an incident. */
  signals: SignalIntake;
  /** Anonymous refusals (sign-in, enrolment, scrapes), audited once per address and window with a count. */
  refusals: RefusalTally;
  /** Sends queued webhook deliveries, with retries (notifications/webhook-worker.ts). */
  webhooks: WebhookWorker;
}
