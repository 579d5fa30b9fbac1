/** The samples of a Prometheus text exposition, keyed `name{label="value",...}` as written, and the HELP lines by name. */
export function parseExposition(text: string): { samples: Map<string, number>; help: Map<string, string> } {
  const samples = new Map<string, number>();
  const help = new Map<string, string>();
  for (const line of text.split("\n")) {
    const helpLine = /^# HELP (\S+) (.*)$/.exec(line);
    if (helpLine) help.set(helpLine[1]!, helpLine[2]!);
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return { samples, help };
}

/** The samples of one metric (its _bucket/_sum/_count too), for a type. */
export function samplesOf(samples: Map<string, number>, prefix: string, type: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of samples) if (key.startsWith(prefix) && key.includes(`type="${type}"`)) out[key] = value;
  return out;
}
