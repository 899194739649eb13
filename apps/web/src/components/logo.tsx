import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconSteeringWheel } from "@tabler/icons-react";

export function Logo({ size = "md" }: { size?: "md" | "lg" }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon
        size={size === "lg" ? 40 : 30}
        radius="md"
        variant="gradient"
        gradient={{ from: "indigo", to: "cyan", deg: 135 }}
        aria-hidden
      >
        <IconSteeringWheel size={size === "lg" ? 24 : 18} />
      </ThemeIcon>
      <Text fw={700} fz={size === "lg" ? 24 : 18} lh={1}>
        Wheelhouse
      </Text>
    </Group>
  );
}
