// wheelhouse-agent: the Wheelhouse agent's command line.
//   wheelhouse-agent enroll --portal URL --token TOKEN
//   wheelhouse-agent run
import { parseArgs } from "node:util";
import { ConfigLockedError, EXIT_CONFIG_LOCKED } from "./config/config-lock";
import { readSettings, SETTINGS_HELP, SettingsError } from "./config/settings";
import { EnrollError, enroll } from "./enroll";
import { run } from "./run";

const USAGE = `Usage:
  wheelhouse-agent enroll --portal URL --token TOKEN   exchange a token from the portal's Hosts page for this host's key
  wheelhouse-agent run                                 connect to the portal and serve

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
