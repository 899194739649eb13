// For the integration tests only: instance specs with fresh ids, and the settings the agent gets,
// labelled so the test clean-up finds every container the code under test creates.
import { randomBytes } from "node:crypto";
import type { InstanceSpec } from "@wheelhouse/shared";
import { testContainerLabels } from "../../../../tests/support/docker.ts";
import type { InstanceSettings } from "./instances";

/** The port the test app images listen on in published mode (they listen on whatever PORT says). */
export const TEST_CONTAINER_PORT = 8080;

export function testSpec(image: string, overrides: Partial<InstanceSpec> = {}): InstanceSpec {
  const id = () => randomBytes(8).toString("hex");
  return {
    instanceId: `in${id()}`,
    hostId: "test-host",
    appId: `app${id()}`,
    appName: "test-app",
    releaseId: `rel${id()}`,
    releaseNumber: 1,
    deploymentId: `dep${id()}`,
    image,
    containerPort: TEST_CONTAINER_PORT,
    probePort: null,
    network: "published",
    env: { GREETING: "hello", SECRET_TOKEN: "s3cret" },
    restartPolicy: "no",
    logMaxSize: "1m",
    logMaxFile: 2,
    ...overrides,
  };
}

export function testSettings(portRange = { first: 23_000, last: 23_999 }): InstanceSettings {
  return { portRange, extraLabels: testContainerLabels() };
}
