"use client";
import { useParams } from "next/navigation";
import { LogPage } from "../../../../../components/logs/log-page";

export default function AppLogsPage() {
  const name = decodeURIComponent(useParams<{ name: string }>().name);
  return (
    <LogPage
      back={{ href: `/apps/${encodeURIComponent(name)}`, label: name }}
      title={`Logs of ${name}`}
      description="Every running instance, merged in time order; each line says which instance wrote it."
      target={{ kind: "app", name }}
    />
  );
}
