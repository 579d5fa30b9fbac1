import type { LibName } from "./adapters/adapter.js";
import { LIBS } from "./adapters/adapter.js";
import type { Metric } from "./scenarios/scenario.js";
import { median } from "./stats.js";

interface Row {
  readonly unit: string;
  readonly better: Metric["better"];
  /** Per library, its value in each round (by round number). */
  readonly values: Map<LibName, Map<number, number>>;
}

/** Median, lowest and highest of some values. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(xs: readonly number[]): Spread | undefined {
  return xs.length === 0 ? undefined : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Every value of one row, per library and round. */
export class Results {
  private readonly rows = new Map<string, Row>();

  add(lib: LibName, metrics: readonly Metric[], round: number): void {
    for (const m of metrics) {
      let row = this.rows.get(m.row);
      if (!row) this.rows.set(m.row, (row = { unit: m.unit, better: m.better, values: new Map() }));
      let values = row.values.get(lib);
      if (!values) row.values.set(lib, (values = new Map()));
      values.set(round, m.value);
    }
  }

  /**
   * One object per row: per library the median over rounds with the lowest and highest; typed-jobs'
   * ratio to each other library per round (the two ran in the same round, back to back), and the
   * median and spread of those ratios.
   */
  summary() {
    return [...this.rows].map(([row, { unit, better, values }]) => {
      const perLib = Object.fromEntries([...values].map(([lib, byRound]) => [lib, spread([...byRound.values()])])) as Partial<Record<LibName, Spread>>;
      const tj = values.get("typed-jobs");
      const ratio = (other: LibName): Spread | undefined => {
        const theirs = values.get(other);
        if (!tj || !theirs) return undefined;
        return spread([...tj].flatMap(([round, x]) => (theirs.get(round) ? [x / theirs.get(round)!] : [])));
      };
      const rounds = Math.max(...[...values.values()].map((byRound) => byRound.size));
      return { row, unit, better, rounds, median: mapValues(perLib, (s) => s.median), spread: perLib, vsBullMQ: ratio("BullMQ"), vsBeeQueue: ratio("bee-queue") };
    });
  }

  table(): string {
    const header = ["scenario", "unit", ...LIBS, "tj / BullMQ", "tj / bee-queue"];
    const lines = this.summary().map((s) => [s.row, `${s.unit} (${s.better} is better)`, ...LIBS.map((lib) => cell(s.spread[lib])), ratioCell(s.vsBullMQ), ratioCell(s.vsBeeQueue)]);
    return [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  }
}

function mapValues<K extends string, A, B>(o: Partial<Record<K, A>>, f: (a: A) => B): Partial<Record<K, B>> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as A)])) as Partial<Record<K, B>>;
}

function fmt(x: number): string {
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  return x.toFixed(2);
}

/** The median, and with several rounds how far the rounds strayed from it: ±half the range, in %. */
function cell(s: Spread | undefined): string {
  if (!s) return "–";
  if (s.min === s.max || s.median === 0) return fmt(s.median);
  return `${fmt(s.median)} ±${Math.round(((s.max - s.min) / 2 / Math.abs(s.median)) * 100)}%`;
}

/** The median of the per-round ratios, and with several rounds their range. */
function ratioCell(s: Spread | undefined): string {
  if (!s) return "–";
  if (s.min === s.max) return `${s.median.toFixed(2)}×`;
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}
