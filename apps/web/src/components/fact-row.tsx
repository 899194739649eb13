// One labelled fact in a two-column table (the app's configuration, its image status): the label
// as a row header, so screen readers read each value with its name.
import { Table } from "@mantine/core";
import type { ReactNode } from "react";

export function FactRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={180} fw={500} c="dimmed" fz="sm">
        {label}
      </Table.Th>
      <Table.Td fz="sm">{children}</Table.Td>
    </Table.Tr>
  );
}
