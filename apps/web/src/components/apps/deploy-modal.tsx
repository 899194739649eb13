"use client";
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { type App, imageReferenceSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { MONO_INPUT } from "./form-parts";
import { useDeploymentStarted } from "./use-deployment-started";

export function DeployModal({ app, opened, onClose }: { app: App; opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const started = useDeploymentStarted();
  const [image, setImage] = useState(app.image);
  const [reason, setReason] = useState("");
  const [imageTouched, setImageTouched] = useState(false);
  const deploy = useMutation(trpc.apps.deploy.mutationOptions({ onSuccess: started }));
  const imageCheck = imageReferenceSchema.safeParse(image);
  const imageError = imageTouched && !imageCheck.success ? imageCheck.error.issues[0]?.message : undefined;

  const close = () => {
    deploy.reset();
    setImage(app.image);
    setReason("");
    setImageTouched(false);
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setImageTouched(true);
    if (!imageCheck.success) return;
    deploy.mutate({ name: app.name, image: image.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) });
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
            description="Optional; shown in the deployment list and the audit log."
            placeholder="Fix the invoice rounding bug"
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={deploy.isPending}>
              Start deploy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
