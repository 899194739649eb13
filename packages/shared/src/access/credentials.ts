// Validation of what people type when they create accounts, shared by the forms and the server.
import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter an email address such as ada@example.com." }));

export const PASSWORD_MIN_LENGTH = 12;
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `Use at least ${PASSWORD_MIN_LENGTH} characters for the password.` })
  .max(256, { message: "Use at most 256 characters for the password." });

export const personNameSchema = z
  .string()
  .trim()
  .min(1, { message: "Enter a name." })
  .max(100, { message: "Use at most 100 characters for the name." });
