/** A configuration problem; the CLI prints the message as one line and exits 2. */
export class ConfigError extends Error {}
