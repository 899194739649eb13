// The pages nginx itself serves for Wheelhouse sites: an app with no healthy instance (502), an app
// in maintenance (503) and a Host header no app answers to (404). Plain HTML with inline styles and
// no external assets: they must render when everything behind nginx is down.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function page(title: string, heading: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1f2933}
main{max-width:34rem;margin:2rem;padding:2rem 2.25rem;background:#fff;border:1px solid #e3e7ec;border-radius:12px}
h1{font-size:1.35rem;line-height:1.35;margin:0 0 .75rem}
p{line-height:1.55;margin:.5rem 0}
footer{margin-top:1.5rem;font-size:.8rem;color:#6b7785}
@media (prefers-color-scheme:dark){body{background:#14171a;color:#e6e9ec}main{background:#1d2125;border-color:#2c3238}footer{color:#9aa5b1}}
</style>
</head>
<body>
<main>
<h1>${heading}</h1>
${body}
<footer>Served by Wheelhouse</footer>
</main>
</body>
</html>
`;
}

/** 502: the app exists on this host but nginx has no healthy instance to send the request to. */
export function unavailablePage(appName: string): string {
  const name = escapeHtml(appName);
  return page(
    `${name} is unavailable`,
    `${name} has no healthy instance right now`,
    `<p>The request reached this server, but no instance of ${name} is running and healthy to answer it.</p>
<p>If you run this app, open it in Wheelhouse to see its instances and latest deployment. Otherwise, try again in a few minutes.</p>`,
  );
}

/** 503: the app's team put it in maintenance; nginx answers without contacting the app. */
export function maintenancePage(appName: string): string {
  const name = escapeHtml(appName);
  return page(
    `${name} is under maintenance`,
    `${name} is down for maintenance`,
    `<p>The team behind ${name} is doing planned work. It will be back shortly; please try again in a few minutes.</p>`,
  );
}

/** 404 from the default server: the request's Host header names no app on this host. */
export function unknownHostPage(): string {
  return page(
    "No app at this address",
    "No app at this address",
    `<p>This server runs apps for Wheelhouse, but none of them answers to the host name in this request.</p>
<p>If you expected an app here, check that its domain is spelled the same in Wheelhouse and in DNS.</p>`,
  );
}
