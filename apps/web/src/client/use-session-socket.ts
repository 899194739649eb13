"use client";
// Keeps a /ui socket open while signed in; when the server ends the session (signed out
// elsewhere, account disabled), tell the person and go to the sign-in page at once; when the
// session moved to another team, reload in it. Server hints
// ("hosts:changed", "apps:changed", "incidents:changed", "approvals:changed", "certificates:changed")
// refresh the matching queries.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { io } from "socket.io-client";
import { useTRPC } from "./trpc";

export function useSessionSocket(enabled: boolean) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  useEffect(() => {
    if (!enabled) return;
    const socket = io("/ui", { transports: ["websocket"] });
    socket.on("session:ended", ({ reason }: { reason: string }) => {
      notifications.show({ color: "yellow", title: "Signed out", message: reason });
      queryClient.clear();
      router.replace("/sign-in");
    });
    // This session now works in another team (switched in another tab, or removed from this one):
    // a full load of the apps list, so nothing of the old team stays on screen or in the cache.
    socket.on("team:changed", ({ reason }: { reason: string }) => {
      notifications.show({ color: "yellow", title: "Team changed", message: reason });
      queryClient.clear();
      window.location.assign("/apps");
    });
    // The person's role or shell grant changed: everything on screen (and the actions offered) refetches.
    socket.on("access:changed", () => {
      void queryClient.invalidateQueries();
    });
    socket.on("hosts:changed", () => {
      void queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.containers.list.pathKey() });
    });
    // A deployment moved or logged (at most every 200 ms per team): apps, deployments, releases and
    // deployment logs on screen refetch; the log asks only for lines after the last one it has.
    socket.on("apps:changed", () => {
      void queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
    });
    // An incident opened, moved, or gained a timeline entry or a step result: lists, the open count
    // in the navigation and the incident on screen refetch.
    socket.on("incidents:changed", () => {
      void queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() });
    });
    // A request was asked, reviewed, ran or expired: lists, the waiting count in the navigation and
    // the request on screen refetch.
    socket.on("approvals:changed", () => {
      void queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
    });
    // A certificate was asked for, ordered, issued, renewed, failed or expired: the Certificates
    // pages and the app page's HTTPS card refetch.
    socket.on("certificates:changed", () => {
      void queryClient.invalidateQueries({ queryKey: trpc.certificates.pathKey() });
    });
    return () => {
      socket.close();
    };
  }, [enabled, router, queryClient, trpc]);
}
