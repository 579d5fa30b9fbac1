/**
 * `--where` in the CLI: each path checked against the type's registered schema before anything is
 * read (ls and the bulk forms alike), sensitive fields refused, one matching rule (the bulk's: scalar
 * equality), and ls reading forward in pages up to --scan-limit.
 */
import { describe, expect, it } from "vitest";
import { invoice, signup, signupType, types, useCli } from "./cli-fixture.js";
import { documentOf } from "./json-shapes.js";

describe("typed-jobs --where", { timeout: 60_000 }, () => {
  const cli = useCli();

  it("ls --where exits 2 naming a path the type's schema lacks, and needs --type", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.schedule("chargeInvoice", invoice(1));
    const [missing, untyped] = await Promise.all([
      run("ls", "queued", "--type", "chargeInvoice", "--where", "amount.nope=1", "--json"),
      run("ls", "queued", "--where", "amount.currency=EUR"),
    ]);
    expect([missing.code, missing.stdout]).toEqual([2, ""]);
    expect(missing.stderr).toContain("--where amount.nope: the payload schema of job type chargeInvoice has no such path");
    expect(untyped.code).toBe(2);
    expect(untyped.stderr).toContain("--where needs --type");
  });

  it("ls --where compares scalars as the bulk actions do: JSON values by type, array items by index, null", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.scheduleBulk("chargeInvoice", [invoice(1, "EUR"), invoice(3, "USD"), { ...invoice(2), coupon: "SPRING" }]);
    const numbers = async (...where: string[]): Promise<string[]> => {
      const doc = documentOf("ls", await run("ls", "queued", "--type", "chargeInvoice", ...where.flatMap((w) => ["--where", w]), "--json"));
      return doc.jobs.map((j: { payload: { invoiceNumber: string } }) => j.payload.invoiceNumber.slice(-1)).sort();
    };
    const found = await Promise.all([numbers("/amount/cents=300"), numbers('/amount/cents="300"'), numbers("lines.0.sku=A", "amount.currency=EUR"), numbers("coupon=null"), numbers("amount=EUR")]);
    expect(found).toEqual([["3"], [], ["1", "2"], ["1", "3"], []]);
  });

  it("ls --where reads forward page by page and stops at --scan-limit, saying so", async () => {
    const { jobs, cli: run } = cli.namespace();
    const usd = Array.from({ length: 1100 }, (_, i) => invoice(i + 1, "USD"));
    await jobs.scheduleBulk("chargeInvoice", usd);
    const last = await jobs.schedule("chargeInvoice", invoice(2000, "EUR"));
    const where = ["ls", "queued", "--type", "chargeInvoice", "--where", "amount.currency=EUR"];

    const found = documentOf("ls", await run(...where, "--json"));
    expect(found.jobs.map((j: { id: string }) => j.id)).toEqual([last.id]);
    expect([found.scanned, found.truncated]).toEqual([1101, false]);

    const [capped, text] = await Promise.all([run(...where, "--scan-limit", "600", "--json"), run(...where, "--scan-limit", "600")]);
    expect(documentOf("ls", capped)).toMatchObject({ jobs: [], scanned: 600, truncated: true });
    expect(text.stderr).toContain("stopped after reading 600 jobs (--scan-limit)");
  });

  it("refuses --where on a field marked sensitive, in ls and in the bulk forms, before anything changes", async () => {
    const { jobs, cli: run } = cli.namespace({ ...types, signup: signupType });
    await jobs.schedule("signup", signup);
    const results = await Promise.all([
      run("ls", "queued", "--type", "signup", "--where", "password=hunter2", "--json"),
      run("ls", "queued", "--type", "signup", "--where", "/card/number=4242424242424242"),
      run("cancel", "--all", "--type", "signup", "--status", "queued", "--where", "password=hunter2", "--yes", "--json"),
      run("destroy", "--all", "--type", "signup", "--status", "failed", "--where", "card.number=1", "--yes"),
    ]);
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("a sensitive field cannot be used in --where");
    }
    expect((await jobs.counts()).byType.signup).toMatchObject({ queued: 1, cancelled: 0 });
    const open = documentOf("ls", await run("ls", "queued", "--type", "signup", "--where", 'card.last4="4242"', "--json"));
    expect(open.jobs).toHaveLength(1);
  });

  it("the bulk forms exit 2 naming a path the type's schema lacks", async () => {
    const { jobs, cli: run } = cli.namespace();
    await jobs.schedule("chargeInvoice", invoice(1));
    const result = await run("cancel", "--all", "--type", "chargeInvoice", "--status", "queued", "--where", "amount.nope=1", "--yes");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("amount.nope");
    expect((await jobs.counts()).byType.chargeInvoice?.queued).toBe(1);
  });
});
