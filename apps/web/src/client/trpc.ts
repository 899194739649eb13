"use client";
// The browser's tRPC client. Only the router's type crosses from the server code.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../server/trpc/root-router";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function createBrowserClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc" })] });
}
