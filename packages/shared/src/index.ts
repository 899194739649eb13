export * from "./access/credentials";
export * from "./access/roles";
export * from "./protocol/commands";
export * from "./protocol/docker-inventory";
export * from "./protocol/events";
export * from "./protocol/host-facts";
export * from "./protocol/limits";
export * from "./protocol/validate";
