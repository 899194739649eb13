"use client";
import { useParams } from "next/navigation";
import { LogPage } from "../../../../../../../components/logs/log-page";

export default function DeploymentLogsPage() {
  const params = useParams<{ name: string; id: string }>();
  const name = decodeURIComponent(params.name);
  const id = decodeURIComponent(params.id);
  return (
    <LogPage
      back={{ href: `/apps/${encodeURIComponent(name)}/deployments/${encodeURIComponent(id)}`, label: "Deployment" }}
      title={`Deployment log of ${name}`}
      description="What the deployment did, step by step; it follows while the deployment runs."
      target={{ kind: "deployment", id }}
    />
  );
}
