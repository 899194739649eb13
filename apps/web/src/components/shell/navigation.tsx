"use client";
import { Badge, NavLink, Stack } from "@mantine/core";
import {
  IconApps,
  IconCertificate,
  IconChecklist,
  IconFileSearch,
  IconServer2,
  IconSettings,
  IconShieldCheck,
  IconUrgent,
} from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "../../client/trpc";

export const NAV_ITEMS = [
  { href: "/apps", label: "Apps", icon: IconApps },
  { href: "/hosts", label: "Hosts", icon: IconServer2 },
  { href: "/certificates", label: "Certificates", icon: IconCertificate },
  { href: "/incidents", label: "Incidents", icon: IconUrgent },
  { href: "/runbooks", label: "Runbooks", icon: IconChecklist },
  { href: "/approvals", label: "Approvals", icon: IconShieldCheck },
  { href: "/audit", label: "Audit", icon: IconFileSearch },
  { href: "/settings", label: "Settings", icon: IconSettings },
] as const;

export function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  // The count of open incidents beside "Incidents"; incidents:changed hints keep it fresh.
  const open = useQuery(trpc.incidents.list.queryOptions({ status: "open" }));
  const openCount = open.data?.incidents.length ?? 0;
  // Requests this person may review now beside "Approvals"; approvals:changed hints keep it fresh.
  const waiting = useQuery(trpc.approvals.list.queryOptions({ view: "waiting", status: "pending", limit: 100 }));
  const waitingCount = waiting.data?.requests.length ?? 0;
  return (
    <nav aria-label="Main">
      <Stack gap={2}>
        {NAV_ITEMS.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              rightSection={
                item.href === "/incidents" && openCount > 0 ? (
                  <Badge size="sm" color="red" variant="filled" aria-label={`${openCount} open`}>
                    {openCount}
                  </Badge>
                ) : item.href === "/approvals" && waitingCount > 0 ? (
                  <Badge size="sm" color="yellow" variant="filled" aria-label={`${waitingCount} waiting for you`}>
                    {waitingCount}
                  </Badge>
                ) : undefined
              }
              leftSection={<item.icon size={18} stroke={1.6} aria-hidden />}
              active={active}
              aria-current={active ? "page" : undefined}
              onClick={onNavigate}
              variant="light"
              style={{ borderRadius: "var(--mantine-radius-md)" }}
            />
          );
        })}
      </Stack>
    </nav>
  );
}
