"use client";
import { useEffect, useState } from "react";

/** The current time, ticking every `ms` while `running` (durations of work under way). */
export function useNow(running: boolean, ms = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [running, ms]);
  return now;
}
