export * from "./access/credentials";
export * from "./access/roles";
