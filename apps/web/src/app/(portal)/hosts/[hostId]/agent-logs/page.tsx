"use client";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useTRPC } from "../../../../../client/trpc";
import { LogPage } from "../../../../../components/logs/log-page";

export default function AgentLogsPage() {
  const { hostId } = useParams<{ hostId: string }>();
  const trpc = useTRPC();
  const inventory = useQuery(trpc.containers.list.queryOptions({ hostId }));
  const hostName = inventory.data?.host.name ?? "Host";
  return (
    <LogPage
      back={{ href: `/hosts/${encodeURIComponent(hostId)}`, label: hostName }}
      title={`Agent log of ${hostName}`}
      description="The agent's own log: its newest 5,000 lines are kept on the host, and new ones stream here."
      target={{ kind: "agent", hostId }}
    />
  );
}
