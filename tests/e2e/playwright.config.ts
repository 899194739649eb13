// End-to-end suites in Debian's Chromium (never a downloaded browser: this machine has no internet).
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  // foundation.spec.ts sets the shared portal up through its first-run page, so it runs first;
  // every other spec signs in through the admin it made.
  projects: [
    { name: "foundation", testMatch: "foundation.spec.ts" },
    { name: "features", testMatch: "**/*.spec.ts", testIgnore: "foundation.spec.ts", dependencies: ["foundation"] },
  ],
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "../../test-results/e2e",
  use: {
    headless: true,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      // The background-networking flags keep Chromium from dialling out on a closed network.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
