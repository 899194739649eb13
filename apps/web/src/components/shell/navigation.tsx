"use client";
import { NavLink, Stack } from "@mantine/core";
import {
  IconApps,
  IconChecklist,
  IconFileSearch,
  IconServer2,
  IconSettings,
  IconShieldCheck,
  IconUrgent,
} from "@tabler/icons-react";
import Link from "next/link";
import { usePathname } from "next/navigation";

export const NAV_ITEMS = [
  { href: "/apps", label: "Apps", icon: IconApps },
  { href: "/hosts", label: "Hosts", icon: IconServer2 },
  { href: "/incidents", label: "Incidents", icon: IconUrgent },
  { href: "/runbooks", label: "Runbooks", icon: IconChecklist },
  { href: "/approvals", label: "Approvals", icon: IconShieldCheck },
  { href: "/audit", label: "Audit", icon: IconFileSearch },
  { href: "/settings", label: "Settings", icon: IconSettings },
] as const;

export function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
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
