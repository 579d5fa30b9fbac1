/**
 * Runs every variant once per block, rotating which goes first, so drift and load hit all alike.
 * Returns each variant's time per block (ms), in block order.
 */
export async function alternate(variants: readonly ((block: number) => Promise<void>)[], blocks: number): Promise<number[][]> {
  const ms = variants.map(() => [] as number[]);
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (k + b) % variants.length;
      const t0 = performance.now();
      await variants[v]!(b);
      ms[v]!.push(performance.now() - t0);
    }
  }
  return ms;
}
