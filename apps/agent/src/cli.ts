// wheelhouse-agent: the Wheelhouse agent's command line.
//   wheelhouse-agent enroll --portal URL --token TOKEN
//   wheelhouse-agent run
//   wheelhouse-agent status [--wait SECONDS]
//   wheelhouse-agent remove-nginx
import { parseArgs } from "node:util";
import { ConfigLockedError, EXIT_CONFIG_LOCKED } from "./config/config-lock";
import { readAgentFile, readSettings, SETTINGS_HELP, SettingsError } from "./config/settings";
import { EnrollError, enroll } from "./enroll";
import { removeNginx } from "./nginx/remove-nginx";
import { run } from "./run";
import { portalView, StatusError, waitForOnline } from "./status";

const USAGE = `Usage:
  wheelhouse-agent enroll --portal URL --token TOKEN   exchange a token from the portal's Hosts page for this host's key
  wheelhouse-agent run                                 connect to the portal and serve
  wheelhouse-agent status [--wait SECONDS]             how the portal sees this host; with --wait, until it is Online (exit 1 if not)
  wheelhouse-agent remove-nginx                        stop the managed nginx (NGINX_MODE=system: remove this agent's sites); for uninstalling

Settings (environment variables):
${SETTINGS_HELP.map(([name, fallback, what]) => `  ${name.padEnd(28)} ${what}\n  ${"".padEnd(28)} default: ${fallback}`).join("\n")}
`;

function fail(message: string, code = 1): never {
  process.stderr.write(`wheelhouse-agent: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return;
  }
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (error instanceof SettingsError) fail(error.message);
    throw error;
  }
  if (command === "enroll") {
    const { values } = parseArgs({
      args: rest,
      options: { portal: { type: "string" }, token: { type: "string" } },
      strict: true,
    });
    if (!values.portal || !values.token)
      fail("enroll needs --portal URL and --token TOKEN (copy the command from the portal's Hosts page).", 2);
    let portalUrl: string;
    try {
      portalUrl = new URL(values.portal).origin;
    } catch {
      fail(`--portal ${values.portal} is not a URL; use the portal's address, e.g. https://wheelhouse.example.com.`, 2);
    }
    try {
      const { hostName, path } = await enroll({
        portalUrl,
        token: values.token,
        configDir: settings.configDir,
        dockerSocket: settings.dockerSocket,
      });
      process.stdout.write(
        `Enrolled as ${hostName}. The agent key is in ${path} (mode 0600). Start the agent with: wheelhouse-agent run\n`,
      );
    } catch (error) {
      if (error instanceof EnrollError) fail(error.message);
      throw error;
    }
    return;
  }
  if (command === "run") {
    if (rest.length > 0) fail(`run takes no arguments (got ${rest.join(" ")}).`, 2);
    try {
      run(settings);
    } catch (error) {
      if (error instanceof SettingsError) fail(error.message);
      if (error instanceof ConfigLockedError) fail(error.message, EXIT_CONFIG_LOCKED);
      throw error;
    }
    return;
  }
  if (command === "status") {
    const { values } = parseArgs({ args: rest, options: { wait: { type: "string" } }, strict: true });
    const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 3_600)
      fail(`--wait ${values.wait} is not a number of seconds from 0 to 3600.`, 2);
    try {
      const file = readAgentFile(settings.configDir);
      const portalUrl = settings.portalUrlOverride ?? file.portalUrl;
      const view =
        waitSeconds > 0 ? await waitForOnline(file, portalUrl, waitSeconds * 1_000) : await portalView(file, portalUrl);
      process.stdout.write(`${view.hostName} is ${view.status} on ${portalUrl}.\n`);
      if (waitSeconds > 0 && view.status !== "online") process.exit(1);
    } catch (error) {
      if (error instanceof SettingsError || error instanceof StatusError) fail(error.message);
      throw error;
    }
    return;
  }
  if (command === "remove-nginx") {
    if (rest.length > 0) fail(`remove-nginx takes no arguments (got ${rest.join(" ")}).`, 2);
    process.stdout.write(`${await removeNginx(settings)}\n`);
    return;
  }
  fail(`unknown command ${command}.\n${USAGE}`, 2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof TypeError &&
    "code" in error &&
    String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS")
  ) {
    fail(`${error.message}\n${USAGE}`, 2);
  }
  fail(`unexpected error: ${(error as Error).stack ?? String(error)}`);
});
