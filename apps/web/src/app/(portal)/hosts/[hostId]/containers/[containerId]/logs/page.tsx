"use client";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useTRPC } from "../../../../../../../client/trpc";
import { LogPage } from "../../../../../../../components/logs/log-page";

export default function ContainerLogsPage() {
  const { hostId, containerId } = useParams<{ hostId: string; containerId: string }>();
  const trpc = useTRPC();
  const inventory = useQuery(trpc.containers.list.queryOptions({ hostId }));
  const container = inventory.data?.containers.find((c) => c.id === containerId);
  const hostName = inventory.data?.host.name ?? "Host";
  return (
    <LogPage
      back={{ href: `/hosts/${encodeURIComponent(hostId)}`, label: hostName }}
      title={container ? `Logs of ${container.name}` : "Container logs"}
      description={`Output of container ${containerId.slice(0, 12)} on ${hostName}: one follow on the host, shared by everyone watching.`}
      target={{ kind: "container", hostId, containerId }}
    />
  );
}
