"use client";
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { type App, imageReferenceSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { GateFields } from "../approvals/gate-fields";
import { useApprovalGate } from "../approvals/use-approval-gate";
import { useGatedOutcome } from "../approvals/use-gated-outcome";
import { MONO_INPUT } from "./form-parts";

export function DeployModal({ app, opened, onClose }: { app: App; opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const outcome = useGatedOutcome();
  // The dialog's reason is the gate's: optional while a deploy runs at once, required when it waits.
  const gate = useApprovalGate(app.name, "apps.deploy", opened);
  const [image, setImage] = useState(app.image);
  const [imageTouched, setImageTouched] = useState(false);
  const deploy = useMutation(
    trpc.apps.deploy.mutationOptions({
      onSuccess: async (data) => {
        // A request that waits leaves the page where it is: the dialog closes and the toast links to it.
        if (!data.deployment) close();
        await outcome(data);
      },
    }),
  );
  const imageCheck = imageReferenceSchema.safeParse(image);
  const imageError = imageTouched && !imageCheck.success ? imageCheck.error.issues[0]?.message : undefined;

  const close = () => {
    deploy.reset();
    setImage(app.image);
    gate.reset();
    setImageTouched(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setImageTouched(true);
    if (!imageCheck.success || !gate.ready) return;
    deploy.mutate({ name: app.name, image: image.trim(), ...gate.fields });
  };

  return (
    <Modal opened={opened} onClose={close} title={`Deploy ${app.name}`} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm" c="dimmed">
            Wheelhouse pulls the image, starts new instances beside the live ones, checks {app.healthPath} and switches
            traffic only when they are healthy. The previous release keeps serving if anything fails.
          </Text>
          {deploy.error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert" title="The deploy did not start">
              {errorMessage(deploy.error)}
            </Alert>
          )}
          <TextInput
            label="Image"
            description={
              image.trim() !== app.image
                ? "A different image becomes the app's image for later deploys too."
                : "The app's image; the tag is resolved to an exact digest now."
            }
            styles={MONO_INPUT}
            value={image}
            error={imageError}
            onChange={(e) => setImage(e.currentTarget.value)}
            onBlur={() => setImageTouched(true)}
            spellCheck={false}
            data-autofocus
          />
          <Textarea
            label="Reason"
            description={
              gate.reasonRequired
                ? "Required: reviewers read it, and it stays on the request and in the audit log."
                : "Optional; shown in the deployment list and the audit log."
            }
            required={gate.reasonRequired}
            placeholder="Fix the invoice rounding bug"
            autosize
            minRows={2}
            maxLength={500}
            value={gate.reason}
            onChange={(e) => gate.setReason(e.currentTarget.value)}
          />
          <GateFields gate={gate} withReason={false} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={gate.breakGlass ? "red" : undefined}
              loading={deploy.isPending}
              disabled={!gate.ready}
            >
              {gate.label("Start deploy", "Break glass and deploy")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
