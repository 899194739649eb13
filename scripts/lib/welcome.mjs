// Waits until the portal just started by start.sh is ready, then tells the person where to go.
// Usage: node scripts/lib/welcome.mjs PORT PUBLIC_URL PID
const [port, publicUrl, pid] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const alive = () => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};

while (alive()) {
  try {
    const ready = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) });
    if (ready.ok) break;
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}
if (!alive()) process.exit(0);

const status = await (await fetch(`${base}/api/trpc/auth.status`)).json();
const setupRequired = status?.result?.data?.setupRequired === true;
const line = "─".repeat(64);
const how = setupRequired
  ? [
      `First time here: open ${publicUrl}/setup`,
      "and create the admin account (email and a password of 12+ characters);",
      "admins then set up an authenticator app on their Account page (SECOND_FACTOR_DEFAULT_ROLES).",
    ]
  : [
      `Sign in at ${publicUrl}/sign-in with your admin account.`,
      "(Set WHEELHOUSE_ADMIN_EMAIL / WHEELHOUSE_ADMIN_PASSWORD to create one without the UI.)",
    ];
const nginxPort = process.env.NGINX_HTTP_PORT || "8080";
const apps = [
  `Apps you deploy are served by this machine's nginx on port ${nginxPort} (NGINX_HTTP_PORT):`,
  `point an app's domain here, or try  curl -H 'Host: <domain>' http://127.0.0.1:${nginxPort}/`,
  // A person with a second factor signs the CLI in with an API key (Account page), not a password.
  `From a terminal:  npx wheelhouse login --url ${publicUrl} --token <an API key from your Account page>`,
];
process.stderr.write(
  `\n${line}\n  Wheelhouse is running at ${publicUrl}\n\n  ${how.join("\n  ")}\n\n  ${apps.join("\n  ")}\n\n  Stop it with Ctrl-C. Data lives in ${process.env.DATA_DIR}.\n${line}\n\n`,
);
