import { readFileSync } from "node:fs";

/** One fenced code block of the README's Quickstart, with the heading it sits under. */
export interface QuickstartBlock {
  readonly heading: string;
  readonly lang: string;
  readonly code: string;
}

/** The fenced code blocks of the README's `## Quickstart` section, in order. */
export function quickstartBlocks(readmePath: string): QuickstartBlock[] {
  const readme = readFileSync(readmePath, "utf8");
  const section = /^## Quickstart\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error("README.md has no ## Quickstart section");
  const blocks: QuickstartBlock[] = [];
  let heading = "";
  const lines = section.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("### ")) heading = line.slice(4);
    const fence = /^```(\w*)$/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    blocks.push({ heading, lang: fence[1]!, code: `${body.join("\n")}\n` });
  }
  return blocks;
}

/** The TypeScript files the Quickstart names: each `ts` block under a heading that ends in a `file.ts` name. */
export function quickstartFiles(blocks: readonly QuickstartBlock[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const block of blocks) {
    const name = /`([\w.-]+\.ts)`$/.exec(block.heading)?.[1];
    if (block.lang === "ts" && name) files[name] = block.code;
  }
  return files;
}

/** The shell commands of a `sh` block, one per line, without their comments. */
export function commands(block: QuickstartBlock): string[][] {
  return block.code
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean)
    .flatMap((line) => line.split(/\s*&&\s*/))
    .map((command) => command.split(/\s+/));
}

/** The compiler options a Quickstart comment asks to add: `add "types": ["node"] to compilerOptions`. */
export function namedCompilerOptions(blocks: readonly QuickstartBlock[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const block of blocks) {
    for (const match of block.code.matchAll(/add (".+?": .+?) to compilerOptions/g)) Object.assign(options, JSON.parse(`{${match[1]}}`));
  }
  return options;
}
