"use client";
// Step-up (issue 16 item 5): when the server refuses a host shell or a review with STEP_UP_REQUIRED,
// a dialog asks for a code from the authenticator, `auth.stepUp` records the proof in this session,
// and the refused call runs again. Pages wrap such calls in `withStepUp`.
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconShieldLock } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { secondFactorCodeSchema } from "@wheelhouse/shared";
import { createContext, type FormEvent, type ReactNode, useCallback, useContext, useRef, useState } from "react";
import { appErrorCode, errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { SecondFactorCodeInput } from "./second-factor-code-input";

type WithStepUp = <T>(run: () => Promise<T>) => Promise<T>;

const StepUpContext = createContext<WithStepUp | null>(null);

/** Runs `run`; a STEP_UP_REQUIRED refusal asks for a code and runs it once more. Other failures reject as they were. */
export function useStepUp(): WithStepUp {
  const withStepUp = useContext(StepUpContext);
  if (!withStepUp) throw new Error("useStepUp is only available inside the portal shell.");
  return withStepUp;
}

export function StepUpProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  // The pending call's continuation: confirmed (run again) or cancelled (its refusal stands).
  const waiting = useRef<((confirmed: boolean) => void) | null>(null);
  const stepUp = useMutation(trpc.auth.stepUp.mutationOptions());

  const finish = useCallback((confirmed: boolean) => {
    setOpen(false);
    setCode("");
    setFieldError(undefined);
    waiting.current?.(confirmed);
    waiting.current = null;
  }, []);

  const withStepUp = useCallback<WithStepUp>(
    async (run) => {
      try {
        return await run();
      } catch (error) {
        if (appErrorCode(error) !== "STEP_UP_REQUIRED") throw error;
        stepUp.reset();
        const confirmed = await new Promise<boolean>((resolve) => {
          waiting.current = resolve;
          setOpen(true);
        });
        if (!confirmed) throw error;
        return run();
      }
    },
    [stepUp.reset],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = secondFactorCodeSchema.safeParse(code);
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message);
      return;
    }
    stepUp.mutate({ code: parsed.data }, { onSuccess: () => finish(true) });
  };

  return (
    <StepUpContext.Provider value={withStepUp}>
      {children}
      <Modal
        opened={open}
        onClose={() => finish(false)}
        title={
          <Group gap="xs">
            <IconShieldLock size={20} aria-hidden />
            <Text fw={600}>Confirm with your authenticator</Text>
          </Group>
        }
      >
        <form onSubmit={submit} noValidate aria-label="Confirm with your authenticator">
          <Stack>
            <Text fz="sm">
              Host shells and reviews ask for a fresh code when your last one is more than 15 minutes old.
            </Text>
            {stepUp.error && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert">
                {errorMessage(stepUp.error)}
              </Alert>
            )}
            <SecondFactorCodeInput
              value={code}
              onChange={(value) => {
                setCode(value);
                setFieldError(undefined);
              }}
              error={fieldError}
              autoFocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => finish(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={stepUp.isPending}>
                Confirm
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </StepUpContext.Provider>
  );
}
