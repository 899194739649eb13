// Placeholders in a check step's parameters, filled in from the incident's app and host when the
// step runs: "{app.port}" alone becomes the number; inside a longer string it is substituted.
export const PLACEHOLDERS = {
  "app.name": "string",
  /** The port the app listens on inside its container. */
  "app.port": "number",
  /** The 127.0.0.1 port nginx reaches the app's first instance on. */
  "app.hostPort": "number",
  /** The port inside the container that serves the probes (the app's port when not separate). */
  "app.probePort": "number",
  "app.healthPath": "string",
  "app.livenessPath": "string",
  /** The app's first domain. */
  "app.domain": "string",
  "host.name": "string",
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Partial<Record<Placeholder, string | number>>;

/** Values the validator fills in, so parameter rules can be checked before any incident exists. */
export const PLACEHOLDER_SAMPLES: Required<PlaceholderValues> = {
  "app.name": "billing-api",
  "app.port": 8080,
  "app.hostPort": 20001,
  "app.probePort": 9090,
  "app.healthPath": "/ready",
  "app.livenessPath": "/live",
  "app.domain": "billing.example.com",
  "host.name": "web-1",
};

const PATTERN = /\{([a-z]+\.[A-Za-z]+)\}/g;
const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name);

export type FillResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** Fills every placeholder; an unknown one, or one with no value for this incident, is an error naming it. */
export function fillPlaceholders(params: Record<string, unknown>, values: PlaceholderValues): FillResult {
  try {
    return { ok: true, value: fillValue(params, values) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

function fillValue(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === "string") return fillString(value, values);
  if (Array.isArray(value)) return value.map((item) => fillValue(item, values));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillValue(item, values)]));
  return value;
}

function fillString(text: string, values: PlaceholderValues): string | number {
  const whole = /^\{([a-z]+\.[A-Za-z]+)\}$/.exec(text);
  if (whole?.[1]) return placeholderValue(whole[1], values);
  return text.replace(PATTERN, (_match, name: string) => String(placeholderValue(name, values)));
}

function placeholderValue(name: string, values: PlaceholderValues): string | number {
  if (!isPlaceholder(name))
    throw new Error(
      `{${name}} is not a placeholder; known ones are ${Object.keys(PLACEHOLDERS)
        .map((key) => `{${key}}`)
        .join(", ")}.`,
    );
  const value = values[name];
  if (value === undefined)
    throw new Error(`{${name}} has no value here (the incident has no app, or the app has none).`);
  return value;
}
