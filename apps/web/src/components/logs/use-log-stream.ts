"use client";
// One live log stream over the /logs socket: subscribes, acknowledges every batch once it is
// stored (the agent sends more only then), and after a dropped connection subscribes again from
// where each source got to, so the view has no gap and no duplicate. Pausing freezes the view,
// not the stream: lines keep arriving and are shown on resume.
import {
  LOGS_EVENTS,
  type LogFilter,
  type LogSourceInfo,
  type LogStart,
  type LogTarget,
  type ViewerBatch,
  type ViewerEnd,
  type ViewerSubscribeReply,
} from "@wheelhouse/shared";
import { useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";
import { LogStore } from "./log-store";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "ended" | "error";

export interface StreamRequest {
  target: LogTarget;
  start: LogStart;
  filter: LogFilter;
  follow: boolean;
}

export interface LogStream {
  store: LogStore;
  /** Bumps (at most once per frame) when the store changed. */
  version: number;
  status: StreamStatus;
  error: string | null;
  title: string | null;
  sources: LogSourceInfo[];
  ended: ViewerEnd[];
}

function streamId(): string {
  return `v${Math.random().toString(36).slice(2, 12)}`;
}

export function useLogStream(request: StreamRequest): LogStream {
  const key = JSON.stringify(request);
  const storeRef = useRef(new LogStore());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<{ title: string | null; sources: LogSourceInfo[] }>({ title: null, sources: [] });
  const [ended, setEnded] = useState<ViewerEnd[]>([]);

  useEffect(() => {
    const wanted = JSON.parse(key) as StreamRequest;
    const store = new LogStore();
    storeRef.current = store;
    setVersion((v) => v + 1);
    setStatus("connecting");
    setError(null);
    setEnded([]);
    const id = streamId();
    const socket = io("/logs", { transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 5_000 });
    let frame = 0;
    const changed = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    const subscribe = () => {
      socket
        .timeout(20_000)
        .emitWithAck(LOGS_EVENTS.subscribe, { ...wanted, streamId: id, resume: store.resume() })
        .then((reply: ViewerSubscribeReply) => {
          if (reply.ok) {
            setInfo({ title: reply.title, sources: reply.sources });
            setStatus("live");
            if (reply.sources.length === 0) setStatus("ended");
          } else {
            setStatus("error");
            setError(reply.error);
          }
        })
        .catch(() => {
          setStatus("error");
          setError("The portal did not answer the subscription. Reload to try again.");
        });
    };
    const lost = "The connection to the portal dropped; reconnecting. The view resumes where it left off.";
    socket.on("connect", () => {
      setError(null);
      subscribe();
    });
    socket.on("disconnect", () => {
      setStatus((s) => (s === "ended" || s === "error" ? s : "reconnecting"));
      setError(lost);
    });
    socket.on("connect_error", (e: Error) => {
      setStatus("reconnecting");
      // A refusal by the portal (session ended, origin) says why; a network failure gets our sentence.
      setError(/websocket error|xhr poll error|timeout/i.test(e.message) ? lost : e.message);
    });
    socket.on(LOGS_EVENTS.batch, (batch: ViewerBatch) => {
      if (batch.streamId !== id) return;
      store.add(batch);
      socket.emit(LOGS_EVENTS.ack, { streamId: id, batch: batch.batch });
      changed();
    });
    socket.on(LOGS_EVENTS.end, (end: ViewerEnd) => {
      if (end.streamId !== id) return;
      setEnded((current) => [...current, end]);
    });
    return () => {
      cancelAnimationFrame(frame);
      socket.close();
    };
  }, [key]);

  // Every source ended (a one-shot read, a finished deployment, containers gone): the stream is over.
  useEffect(() => {
    if (info.sources.length > 0 && ended.length >= info.sources.length) setStatus("ended");
    const failure = ended.find((end) => end.reason === "error");
    if (failure?.message) setError(failure.message);
  }, [ended, info.sources.length]);

  return { store: storeRef.current, version, status, error, title: info.title, sources: info.sources, ended };
}
