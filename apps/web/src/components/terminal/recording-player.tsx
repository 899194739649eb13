"use client";
// Plays an asciicast v2 recording in xterm.js. Seeking replays every event up to the chosen time
// into a reset terminal (a terminal's screen is the sum of everything written to it); playing
// writes the events as the clock passes them.
import "@xterm/xterm/css/xterm.css";
import { ActionIcon, Box, Group, SegmentedControl, Slider, Text, Tooltip } from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay, IconRotate } from "@tabler/icons-react";
import type { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type Cast, formatClock, parseCast, parseSize } from "./asciicast";
import { TERMINAL_THEME } from "./terminal-theme";

const SPEEDS = ["1", "2", "4"];

export function RecordingPlayer({ text }: { text: string }) {
  const cast: Cast | Error = useMemo(() => {
    try {
      return parseCast(text);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }, [text]);
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  /** Index of the next event to write, and the time shown. */
  const cursor = useRef(0);
  const [time, setTimeState] = useState(0);
  // The playing clock reads the position without restarting on every tick.
  const timeRef = useRef(0);
  const setTime = useCallback((value: number) => {
    timeRef.current = value;
    setTimeState(value);
  }, []);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState("1");
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const element = host.current;
    if (!element || cast instanceof Error) return;
    let disposed = false;
    let instance: Terminal | null = null;
    void import("@xterm/xterm").then(({ Terminal: XTerm }) => {
      if (disposed) return;
      instance = new XTerm({
        cols: cast.header.width,
        rows: cast.header.height,
        disableStdin: true,
        cursorBlink: false,
        scrollback: 2_000,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
        fontSize: 13,
        theme: TERMINAL_THEME,
      });
      instance.open(element);
      term.current = instance;
      setReady(true);
    });
    return () => {
      disposed = true;
      instance?.dispose();
      term.current = null;
    };
  }, [cast]);

  /** Writes the events up to `until` (from the cursor on). */
  const advance = useCallback(
    (until: number) => {
      const terminal = term.current;
      if (!terminal || cast instanceof Error) return;
      let chunk = "";
      while (cursor.current < cast.events.length) {
        const event = cast.events[cursor.current];
        if (!event || event.time > until) break;
        if (event.kind === "o") chunk += event.data;
        else {
          if (chunk) terminal.write(chunk);
          chunk = "";
          const size = parseSize(event.data);
          if (size) terminal.resize(size.cols, size.rows);
        }
        cursor.current += 1;
      }
      if (chunk) terminal.write(chunk);
    },
    [cast],
  );

  const seek = useCallback(
    (to: number) => {
      const terminal = term.current;
      if (!terminal || cast instanceof Error) return;
      if (to < timeRef.current || to === 0) {
        terminal.reset();
        terminal.resize(cast.header.width, cast.header.height);
        cursor.current = 0;
      }
      advance(to);
      setTime(to);
    },
    [advance, cast, setTime],
  );

  useEffect(() => {
    if (!playing || cast instanceof Error) return;
    let last = performance.now();
    let current = timeRef.current;
    const timer = setInterval(() => {
      const now = performance.now();
      current = Math.min(cast.duration, current + ((now - last) / 1000) * Number(speed));
      last = now;
      advance(current);
      setTime(current);
      if (current >= cast.duration) setPlaying(false);
    }, 50);
    return () => clearInterval(timer);
  }, [playing, speed, advance, cast, setTime]);

  if (cast instanceof Error) return <Text c="red">{cast.message}</Text>;
  const atEnd = time >= cast.duration;

  return (
    <Box>
      <Box
        ref={host}
        data-testid="recording-player"
        style={{ background: TERMINAL_THEME.background, padding: 8, borderRadius: 8, overflow: "auto" }}
      />
      <Group mt="sm" gap="sm" wrap="nowrap">
        <Tooltip label={atEnd ? "Play again" : playing ? "Pause" : "Play"}>
          <ActionIcon
            variant="filled"
            size="lg"
            disabled={!ready}
            aria-label={atEnd ? "Play again" : playing ? "Pause" : "Play"}
            onClick={() => {
              if (atEnd) seek(0);
              setPlaying((value) => (atEnd ? true : !value));
            }}
          >
            {atEnd ? <IconRotate size={18} /> : playing ? <IconPlayerPause size={18} /> : <IconPlayerPlay size={18} />}
          </ActionIcon>
        </Tooltip>
        <Slider
          style={{ flex: 1 }}
          min={0}
          max={Math.max(cast.duration, 0.001)}
          step={0.01}
          value={time}
          label={(value) => formatClock(value)}
          onChange={(value) => {
            setPlaying(false);
            seek(value);
          }}
          disabled={!ready}
          thumbLabel="Position in the recording"
        />
        <Text fz="sm" ff="monospace" c="dimmed" data-testid="player-clock">
          {formatClock(time)} / {formatClock(cast.duration)}
        </Text>
        <SegmentedControl
          size="xs"
          value={speed}
          onChange={setSpeed}
          data={SPEEDS.map((value) => ({ value, label: `${value}×` }))}
          aria-label="Playback speed"
        />
      </Group>
    </Box>
  );
}
