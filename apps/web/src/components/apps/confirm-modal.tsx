"use client";
// A confirmation that can ask the person to type the app's name first (risky actions in production).
import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { type FormEvent, type ReactNode, useState } from "react";

export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  color = "indigo",
  typeToConfirm,
  loading,
  confirmDisabled = false,
  onConfirm,
  onClose,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  /** When set, the confirm button waits until exactly this is typed. */
  typeToConfirm?: string;
  loading?: boolean;
  /** Something else the dialog asks is still missing (a reason an approval needs). */
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const ready = (!typeToConfirm || typed.trim() === typeToConfirm) && !confirmDisabled;
  const close = () => {
    setTyped("");
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) onConfirm();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form onSubmit={submit}>
        <Stack>
          {children}
          {typeToConfirm && (
            <TextInput
              label={`Type ${typeToConfirm} to confirm`}
              description="This is a production app."
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color={color} disabled={!ready} loading={loading}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
