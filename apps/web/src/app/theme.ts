// The one set of design tokens: colours, type, radius. Status colours live in components/status.ts.
// Every text colour here keeps WCAG 2.1 AA contrast (4.5:1) on the surfaces it is drawn on, in the
// light and the dark theme; tests/e2e/accessibility.spec.ts runs axe-core on every page to hold it.
import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  luminance,
  type MantineThemeColors,
  Modal,
  Notification,
  TableScrollContainer,
} from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  // Mantine's default light shade (6) gives white labels on indigo 4.3:1 and red 3.3:1; shade 8
  // keeps filled buttons, badges and links at 4.5:1 or more on white. Dark stays at Mantine's 8.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: "md",
  fontFamily: 'Inter, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif',
  fontFamilyMonospace: '"JetBrains Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  headings: { fontWeight: "650" },
  focusRing: "auto",
  components: {
    // A table wider than the page scrolls sideways; its viewport takes focus so a keyboard can
    // scroll it too, also when no row holds a button (a viewer's tables): WCAG 2.1.1.
    TableScrollContainer: TableScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
    // Mantine's modal close button is an icon with no name; axe's button-name (WCAG 4.1.2).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
    // The same for a toast's close button (notifications.show), e.g. "Request #4 waits for approval".
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { "aria-label": "Close" } } }),
  },
});

/**
 * Dimmed text (descriptions, times, secondary columns). Mantine's own (gray 6 on white, dark 2 on
 * dark 7) reads at 3.3:1 and 4.0:1; these sit between its shades and read at 4.8:1 or more on the
 * body, cards, toolbars and striped rows of each theme.
 */
const DIMMED = { light: "#5c636a", dark: "#aaaaaa" } as const;

/** WCAG AA asks 4.5:1 for text; a little more, so a browser's rounding never tips a colour under. */
const TARGET_CONTRAST = 4.6;

function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The first candidate that reads at the target on every background; shade 9 darkened until one does. */
function readable(candidates: string[], backgrounds: string[], darkest: string): string {
  const steps = [0.1, 0.2, 0.3, 0.4, 0.5].map((amount) => darken(darkest, amount));
  const all = [...candidates, darkest, ...steps];
  return all.find((color) => backgrounds.every((bg) => contrast(color, bg) >= TARGET_CONTRAST)) ?? darken(darkest, 0.6);
}

/**
 * Coloured text in the light theme. Mantine draws `c="teal"` in the filled shade and "light"
 * variants (status badges, alerts) as shade 9 on shade 1: teal, orange, yellow and cyan fall under
 * 4.5:1. Each colour gets the lightest of its shades (or shade 9 darkened) that reaches 4.5:1 on
 * the backgrounds it is drawn on. Dark-theme text (shades 0 and 4 on dark grey) already does.
 */
function lightThemeColorText(colors: MantineThemeColors, white: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, shades] of Object.entries(colors)) {
    variables[`--mantine-color-${name}-text`] = readable([shades[8]], [white, colors.gray[0]], shades[9]);
    variables[`--mantine-color-${name}-light-color`] = readable([], [white, shades[1]], shades[9]);
  }
  return variables;
}

/** Passed to MantineProvider (providers.tsx): the colour variables above, merged over Mantine's. */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": DIMMED.light,
    ...lightThemeColorText(resolved.colors, resolved.white),
    // A field in error draws its value and message in this: Mantine's red 6 (light) and red 8 (dark)
    // read under 4.5:1; the readable red text of each theme does not.
    "--mantine-color-error": "var(--mantine-color-red-text)",
  },
  dark: { "--mantine-color-dimmed": DIMMED.dark, "--mantine-color-error": "var(--mantine-color-red-text)" },
});

/**
 * Logs and deployment output are drawn light on dark in both themes, like a terminal. Text on it
 * uses these, never the theme's dimmed colour (made for the page's own background) or opacity.
 */
export const LOG_SURFACE = {
  background: "var(--mantine-color-dark-8)",
  text: "var(--mantine-color-gray-3)",
  /** Times, fields, "nothing yet" notes: 7.9:1 on the surface. */
  dimmed: "var(--mantine-color-gray-5)",
  /** A picked line: a lighter grey with a bar (Mantine's blue "light" is pale blue in the light theme). */
  selected: { background: "var(--mantine-color-dark-6)", boxShadow: "inset 3px 0 var(--mantine-color-blue-4)" },
} as const;

/** A palette colour as text on the log surface (sources, levels): shade 3 is 4.5:1 or more for all, selected too. */
export function logSurfaceAccent(color: string): string {
  return `var(--mantine-color-${color}-3)`;
}
