import { describe, expect, it } from "vitest";
import { inlineParts, instructionBlocks } from "./instruction-blocks";

describe("instructionBlocks", () => {
  it("joins wrapped lines, keeps lists and code fences apart", () => {
    const text = [
      "Open a shell on an unhealthy instance and call the probes,",
      "on the probe port:",
      "",
      "```",
      "curl -sv http://127.0.0.1:9090/ready",
      "```",
      "",
      "- Refused from outside: follow",
      "  **Container health check failing**.",
      "- An error body: it names the `dependency`.",
    ].join("\n");
    expect(instructionBlocks(text)).toEqual([
      {
        kind: "paragraph",
        parts: [
          { kind: "text", text: "Open a shell on an unhealthy instance and call the probes, on the probe port:" },
        ],
      },
      { kind: "code", text: "curl -sv http://127.0.0.1:9090/ready" },
      {
        kind: "list",
        items: [
          [
            { kind: "text", text: "Refused from outside: follow " },
            { kind: "bold", text: "Container health check failing" },
            { kind: "text", text: "." },
          ],
          [
            { kind: "text", text: "An error body: it names the " },
            { kind: "code", text: "dependency" },
            { kind: "text", text: "." },
          ],
        ],
      },
    ]);
  });

  it("keeps markup as text: an unclosed marker, and HTML, stay literal", () => {
    expect(inlineParts("a **b and <script>x</script>")).toEqual([
      { kind: "text", text: "a **b and <script>x</script>" },
    ]);
  });

  it("keeps an unclosed code fence's lines as code", () => {
    expect(instructionBlocks("```\nls -l")).toEqual([{ kind: "code", text: "ls -l" }]);
  });
});
