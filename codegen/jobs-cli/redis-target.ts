/** Where the CLI connects: the global options every command shares. */
export interface Target {
  readonly redis: string;
  readonly namespace: string;
  readonly prefix: string;
  readonly verbose: boolean;
  /** Print payloads of types with no registered schema instead of withholding them. */
  readonly showUnregistered: boolean;
}

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The URL as it may be shown: its password replaced, even when the URL does not parse. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^/@:]*:)[^@]*@/, "$1***@");
  }
}
