"use client";
import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { ShownOnceLink } from "./shown-once-link";

/** "Reset link" on a member's row (admins): a single-use password reset link, valid 1 hour, shown once. */
export function ResetLinkButton({ member }: { member: { email: string; name: string } }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button size="xs" variant="subtle" onClick={open} aria-label={`Reset link for ${member.email}`}>
        Reset link
      </Button>
      {opened && <ResetLinkModal member={member} onClose={close} />}
    </>
  );
}

function ResetLinkModal({ member, onClose }: { member: { email: string; name: string }; onClose: () => void }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.passwordReset.createLink.mutationOptions());
  return (
    <Modal opened onClose={onClose} title={`Password reset for ${member.name}`} centered>
      <Stack>
        {create.error && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(create.error)}
          </Alert>
        )}
        {create.data ? (
          <ShownOnceLink
            label="Reset link"
            link={create.data.link}
            note={`Send it to ${create.data.email} privately. It works once, within one hour; using it sets a new password and signs them out everywhere. It is not shown again.`}
          />
        ) : (
          <Text fz="sm">
            Makes a link that lets {member.email} choose a new password. It works once, for one hour, and replaces any
            earlier reset link for them. Their current password keeps working until the link is used.
          </Text>
        )}
        <Group justify="flex-end">
          {create.data ? (
            <Button onClick={onClose}>Done</Button>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button loading={create.isPending} onClick={() => create.mutate({ email: member.email })}>
                Create reset link
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
