/** A setting the environment gives is missing or malformed: start-up says which and stops. */
export class ConfigError extends Error {}
