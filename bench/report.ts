import type { LibName } from "./adapters/adapter.js";
import { LIBS } from "./adapters/adapter.js";
import type { Metric } from "./scenarios/scenario.js";
import { median } from "./stats.js";

/** Every value of one row, per library, across rounds. */
export class Results {
  private readonly rows = new Map<string, { unit: string; better: Metric["better"]; values: Map<LibName, number[]> }>();

  add(lib: LibName, metrics: readonly Metric[]): void {
    for (const m of metrics) {
      let row = this.rows.get(m.row);
      if (!row) this.rows.set(m.row, (row = { unit: m.unit, better: m.better, values: new Map() }));
      let values = row.values.get(lib);
      if (!values) row.values.set(lib, (values = []));
      values.push(m.value);
    }
  }

  /** One object per row: medians per library and the typed-jobs ratios. */
  summary() {
    return [...this.rows].map(([row, { unit, better, values }]) => {
      const med = Object.fromEntries([...values].map(([lib, xs]) => [lib, median(xs)])) as Partial<Record<LibName, number>>;
      const tj = med["typed-jobs"];
      const ratio = (other: LibName) => (tj !== undefined && med[other] ? tj / med[other]! : undefined);
      return { row, unit, better, rounds: Math.max(...[...values.values()].map((xs) => xs.length)), median: med, vsBullMQ: ratio("BullMQ"), vsBeeQueue: ratio("bee-queue") };
    });
  }

  table(): string {
    const header = ["scenario", "unit", ...LIBS, "tj / BullMQ", "tj / bee-queue"];
    const lines = this.summary().map((s) => [
      s.row,
      `${s.unit} (${s.better} is better)`,
      ...LIBS.map((lib) => fmt(s.median[lib])),
      ratio(s.vsBullMQ),
      ratio(s.vsBeeQueue),
    ]);
    return [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  }
}

function fmt(x: number | undefined): string {
  if (x === undefined) return "–";
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  return x.toFixed(2);
}

function ratio(x: number | undefined): string {
  return x === undefined ? "–" : `${x.toFixed(2)}×`;
}
