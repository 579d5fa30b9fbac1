import { enc, get, post, readOnly } from "./api.js";
import { sumSeries, throughputChart } from "./chart.js";
import { fill, h, link, ms, plural, when } from "./dom.js";
import { payloadView } from "./payload-view.js";

const STATUSES = ["queued", "executing", "finished", "failed", "cancelled", "rejected", "deferred"];
const BULK_ACTIONS = { retry: ["failed", "rejected", "cancelled"], cancel: ["queued", "deferred"], destroy: ["finished", "failed", "cancelled", "rejected"] };

/** A hash route with its query, e.g. "/jobs?status=failed". */
export function route(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** A region that says what went wrong, as text. */
function problem(error) {
  return h("p", { class: "problem", role: "alert" }, error.message);
}

/** Runs an action, then shows its outcome in `status` and refreshes the view. */
async function act(status, run, done) {
  fill(status, "working…");
  try {
    const result = await run();
    fill(status, done(result));
  } catch (error) {
    fill(status, problem(error));
  }
}

/** A button that asks once more before acting (no native dialog: the confirmation is in the page). */
function confirmButton(label, question, onConfirm) {
  const box = h("span", { class: "confirm" });
  const start = h("button", { type: "button", class: "danger", on: { click: () => {
    fill(box,
      h("span", {}, question, " "),
      h("button", { type: "button", class: "danger", on: { click: () => onConfirm() } }, `Yes, ${label.toLowerCase()}`),
      " ",
      h("button", { type: "button", on: { click: () => fill(box, start) } }, "No"),
    );
    box.querySelector("button")?.focus();
  } } }, label);
  return fill(box, start);
}

// ---- overview ------------------------------------------------------------------------------------

export function overviewView(main) {
  const status = h("div", { class: "action-status", role: "status", "aria-live": "polite" });
  const body = h("div", {}, h("p", {}, "Loading…"));
  fill(main, h("h1", {}, "Overview"), status, body);
  const refresh = async () => {
    try {
      const data = await get("overview");
      fill(body, ...renderOverview(data, status, refresh));
    } catch (error) {
      fill(body, problem(error));
    }
  };
  return { refresh };
}

function renderOverview({ stats, throughput, contractFit, sample }, status, refresh) {
  const types = Object.keys(stats.byType);
  const total = stats.total;
  const summary = h("ul", { class: "totals", "aria-label": "jobs by status, all types" }, STATUSES.map((s) => h("li", { class: `total status-${s}` }, link(route("/jobs", { status: s }), [h("span", { class: "total-count", "data-status": s }, total[s].toLocaleString("en")), h("span", { class: "total-label" }, s)]))));
  const table = h("table", { class: "types" },
    h("caption", {}, `${plural(types.length, "job type")} · ${plural(stats.pools.length, "live pool")} · read ${when(stats.at)}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "type"), STATUSES.map((s) => h("th", { scope: "col", class: "num" }, s)), h("th", { scope: "col", class: "num" }, "delayed"), h("th", { scope: "col", class: "num" }, "queue latency"), h("th", { scope: "col", class: "num" }, "last hour"), h("th", { scope: "col" }, "newest contract"), h("th", { scope: "col" }, "state"))),
    h("tbody", {}, types.map((type) => {
      const t = stats.byType[type];
      const hour = stats.lastHour[type] ?? { finished: 0, failed: 0 };
      const fit = contractFit[type];
      return h("tr", { "data-type": type },
        h("th", { scope: "row" }, type),
        STATUSES.map((s) => h("td", { class: "num", "data-status": s }, link(route("/jobs", { status: s, type }), t.counts[s].toLocaleString("en"), { "aria-label": `${type} ${s}: ${t.counts[s]}` }))),
        h("td", { class: "num" }, t.delayed.toLocaleString("en")),
        h("td", { class: "num" }, ms(t.oldestDueAgeMs)),
        h("td", { class: "num" }, `${hour.finished} ok / ${hour.failed} failed`),
        h("td", { class: "fit" }, fitText(fit, sample)),
        h("td", { class: "state" },
          t.paused ? h("span", { class: "badge badge-paused" }, "paused") : h("span", { class: "badge badge-running" }, "running"),
          readOnly ? null : [" ", h("button", { type: "button", "data-action": t.paused ? "resume" : "pause", "aria-label": `${t.paused ? "Resume" : "Pause"} ${type}`, on: { click: () => act(status, () => post(`types/${enc(type)}/${t.paused ? "resume" : "pause"}`), (r) => `${type} ${r.paused ? "paused" : "resumed"}`).then(refresh) } }, t.paused ? "Resume" : "Pause")],
        ),
      );
    })),
  );
  return [
    summary,
    throughputChart(sumSeries(throughput), "all types"),
    h("div", { class: "scroll" }, table),
    types.length === 0 ? h("p", {}, "No job type has been scheduled in this namespace yet.") : null,
  ];
}

function fitText(fit, sample) {
  if (!fit || fit.schemaHash === null) return h("span", { class: "muted" }, "none registered");
  if (fit.checked === 0) return h("span", {}, h("code", {}, fit.schemaHash.slice(0, 12)), " · nothing waiting");
  const label = `${fit.failing} of the next ${fit.checked} waiting fail it`;
  return h("span", { class: fit.failing > 0 ? "warn" : "" }, h("code", {}, fit.schemaHash.slice(0, 12)), " · ", label, fit.checked === sample ? " (sample)" : "");
}

// ---- job list --------------------------------------------------------------------------------------

export function listView(main, params) {
  const status = STATUSES.includes(params.get("status")) ? params.get("status") : "failed";
  const type = params.get("type") ?? "";
  const where = parseWhere(params.get("where"));
  const offset = Number(params.get("offset") ?? 0) || 0;
  const [wherePath, whereValue] = Object.entries(where)[0] ?? ["", ""];

  const idInput = h("input", { id: "job-id", name: "id", type: "search", autocomplete: "off", placeholder: "job id" });
  const search = h("form", { class: "inline", role: "search", on: { submit: (e) => {
    e.preventDefault();
    if (idInput.value.trim()) location.hash = `#/job/${enc(idInput.value.trim())}`;
  } } }, h("label", { for: "job-id" }, "Find a job by id"), idInput, h("button", { type: "submit" }, "Open"));

  const statusSelect = h("select", { id: "f-status", name: "status" }, STATUSES.map((s) => h("option", { value: s, selected: s === status }, s)));
  const typeInput = h("input", { id: "f-type", name: "type", value: type, autocomplete: "off", placeholder: "all types" });
  const pathInput = h("input", { id: "f-path", name: "path", value: wherePath, autocomplete: "off", placeholder: "e.g. amount.currency" });
  const valueInput = h("input", { id: "f-value", name: "value", value: whereValue === "" ? "" : typeof whereValue === "string" ? whereValue : JSON.stringify(whereValue), autocomplete: "off", placeholder: "e.g. EUR or 42" });
  const filter = h("form", { class: "filters", on: { submit: (e) => {
    e.preventDefault();
    const w = pathInput.value.trim() ? { [pathInput.value.trim()]: parseValue(valueInput.value) } : undefined;
    location.hash = `#${route("/jobs", { status: statusSelect.value, type: typeInput.value.trim(), where: w ? JSON.stringify(w) : undefined })}`;
  } } },
    h("div", { class: "field" }, h("label", { for: "f-status" }, "Status"), statusSelect),
    h("div", { class: "field" }, h("label", { for: "f-type" }, "Job type"), typeInput),
    h("div", { class: "field" }, h("label", { for: "f-path" }, "Payload field"), pathInput),
    h("div", { class: "field" }, h("label", { for: "f-value" }, "equals"), valueInput),
    h("button", { type: "submit" }, "Show"),
  );

  const results = h("div", { class: "results" }, h("p", {}, "Loading…"));
  const bulkBox = h("div", { class: "bulk" });
  fill(main, h("h1", {}, `${type || "All types"}: ${status}`), search, filter, results, bulkBox);
  if (!readOnly && type) fill(bulkBox, bulkForm(type, status, where));

  const refresh = async () => {
    try {
      const page = await get("jobs", { status, type, offset, limit: 50, where: Object.keys(where).length ? JSON.stringify(where) : undefined });
      fill(results, ...renderPage(page, { status, type, where }));
    } catch (error) {
      fill(results, problem(error));
    }
  };
  return { refresh };
}

function renderPage(page, { status, type, where }) {
  const whereText = Object.keys(where).length ? JSON.stringify(where) : undefined;
  const summary = page.filtered
    ? `${plural(page.jobs.length, "matching job")} in ${plural(page.scanned, "job")} read from position ${page.offset.toLocaleString("en")} of ${page.total.toLocaleString("en")}`
    : `${(page.total === 0 ? 0 : page.offset + 1).toLocaleString("en")}–${(page.offset + page.jobs.length).toLocaleString("en")} of ${page.total.toLocaleString("en")}`;
  const rows = page.jobs.map((job) => h("tr", { "data-id": job.id },
    h("td", {}, link(`/job/${enc(job.id)}`, job.id, { class: "job-link" })),
    type ? null : h("td", {}, job.type),
    h("td", {}, when(status === "queued" || status === "deferred" ? job.runAt : job.finishedAt ?? job.runAt)),
    h("td", { class: "num" }, String(job.attempts)),
    h("td", { class: "error-cell" }, job.error ?? ""),
    h("td", {}, h("code", { class: "payload-preview" }, job.payloadPreview)),
  ));
  const nav = h("nav", { class: "pager", "aria-label": "pages" },
    page.offset > 0 && !page.filtered ? link(route("/jobs", { status, type, where: whereText, offset: Math.max(0, page.offset - page.limit) }), "← Newer page") : null,
    page.offset > 0 && page.filtered ? link(route("/jobs", { status, type, where: whereText }), "← From the start") : null,
    page.nextOffset !== null ? link(route("/jobs", { status, type, where: whereText, offset: page.nextOffset }), page.filtered ? "Read further →" : "Next page →") : null,
  );
  return [
    h("p", { class: "summary", role: "status" }, summary),
    page.jobs.length === 0 ? h("p", { class: "empty" }, "No jobs here.") : h("div", { class: "scroll" }, h("table", { class: "jobs" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "id"), type ? null : h("th", { scope: "col" }, "type"), h("th", { scope: "col" }, status === "queued" || status === "deferred" ? "runs at" : "ended"), h("th", { scope: "col", class: "num" }, "attempts"), h("th", { scope: "col" }, "error"), h("th", { scope: "col" }, "payload"))),
      h("tbody", {}, rows),
    )),
    nav,
  ];
}

function bulkForm(type, status, where) {
  const actions = Object.entries(BULK_ACTIONS).filter(([, statuses]) => statuses.includes(status)).map(([a]) => a);
  if (actions.length === 0) return null;
  const actionSelect = h("select", { id: "b-action", name: "action" }, actions.map((a) => h("option", { value: a }, a === "destroy" ? "destroy (clean)" : a)));
  const olderInput = h("input", { id: "b-older", name: "olderThan", autocomplete: "off", placeholder: "e.g. 1h (optional)" });
  const progress = h("div", { class: "bulk-progress", role: "status", "aria-live": "polite" });
  const whereText = Object.keys(where).length ? ` whose payload has ${Object.entries(where).map(([p, v]) => `${p} = ${JSON.stringify(v)}`).join(", ")}` : "";
  const submit = confirmButton("Run", `Act on every ${status} ${type} job${whereText}?`, async () => {
    await act(progress, () => post("bulk", { action: actionSelect.value, type, status, olderThan: olderInput.value.trim() || undefined, where }), (r) => {
      progress.dataset.task = r.task.id;
      return bulkText(r.task);
    });
  });
  return h("section", { "aria-labelledby": "bulk-title" },
    h("h2", { id: "bulk-title" }, "Bulk action"),
    h("p", { class: "muted" }, `On ${status} ${type} jobs${whereText}, in short batches.`),
    h("div", { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "b-action" }, "Action"), actionSelect),
      h("div", { class: "field" }, h("label", { for: "b-older" }, "Older than"), olderInput),
      submit,
    ),
    progress,
  );
}

export function bulkText(task) {
  const p = task.progress;
  const counts = p ? `${p.changed} changed, ${p.matched} matched, ${p.scanned} of ${p.total} examined` : "starting";
  if (task.error) return `${task.action} failed: ${task.error}`;
  return h("span", {}, p && p.total > 0 ? h("progress", { max: String(p.total), value: String(Math.min(p.scanned, p.total)), "aria-label": `${task.action} progress` }) : null, ` ${task.action}: ${counts}${task.done ? " · done" : ""}`);
}

/** A filter value as the CLI reads one: JSON when it parses to a scalar, else the text itself. */
function parseValue(text) {
  try {
    const value = JSON.parse(text);
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  } catch {
    // Plain text.
  }
  return text;
}

function parseWhere(text) {
  if (!text) return {};
  try {
    const where = JSON.parse(text);
    return where && typeof where === "object" && !Array.isArray(where) ? where : {};
  } catch {
    return {};
  }
}

// ---- one job ---------------------------------------------------------------------------------------

export function jobView(main, id) {
  const status = h("div", { class: "action-status", role: "status", "aria-live": "polite" });
  const body = h("div", {}, h("p", {}, "Loading…"));
  fill(main, h("h1", {}, "Job ", h("code", {}, id)), status, body);
  let destroyed = false;
  let payloadLoaded;
  const refresh = async () => {
    if (destroyed) return;
    try {
      const data = await get(`jobs/${enc(id)}`);
      if (payloadLoaded !== undefined) data.job.payload = payloadLoaded;
      fill(body, ...renderJob(data, status, refresh, () => (destroyed = true), (p) => (payloadLoaded = p)));
    } catch (error) {
      fill(body, problem(error));
    }
  };
  return { refresh };
}

function renderJob({ job, payload, contract, schema }, status, refresh, onDestroyed, onPayload) {
  const actions = readOnly ? [] : [
    ["failed", "rejected", "cancelled", "deferred"].includes(job.status) ? h("button", { type: "button", "data-action": "retry", on: { click: () => act(status, () => post(`jobs/${enc(job.id)}/retry`), (r) => `retried: now ${r.job.status}`).then(refresh) } }, "Retry") : null,
    job.status === "queued" && new Date(job.runAt).getTime() > Date.now() ? h("button", { type: "button", "data-action": "promote", on: { click: () => act(status, () => post(`jobs/${enc(job.id)}/promote`), () => "promoted: due now").then(refresh) } }, "Run now") : null,
    job.status === "queued" || job.status === "executing" || job.status === "deferred" ? h("button", { type: "button", "data-action": "cancel", on: { click: () => act(status, () => post(`jobs/${enc(job.id)}/cancel`), (r) => `cancel: now ${r.job.status}`).then(refresh) } }, "Cancel") : null,
    confirmButton("Destroy", "Delete this job and every trace of it?", () => act(status, () => post(`jobs/${enc(job.id)}/destroy`), () => { onDestroyed(); return "destroyed"; })),
  ];
  const facts = [
    ["type", link(`/jobs?${new URLSearchParams({ status: job.status, type: job.type })}`, job.type)],
    ["status", h("span", { class: `badge status-${job.status}`, "data-field": "status" }, job.status)],
    ["priority", String(job.priority)],
    ["attempts", `${job.attempts} (retries left ${job.retriesLeft} of ${job.retries})`],
    ["created", when(job.createdAt)],
    ["run at", when(job.runAt)],
    ["started", when(job.startedAt)],
    ["finished", `${when(job.finishedAt)}${job.durationMs !== null ? ` (${ms(job.durationMs)})` : ""}`],
    ["pool", job.poolId ?? "—"],
    ...(job.deferred ? [["deferred", `identity ${job.deferred.identity} unknown to the pools that claimed it, since ${new Date(job.deferred.since).toLocaleString()}; rejected after ${new Date(job.deferred.deadline).toLocaleString()} unless a pool that knows it takes it`]] : []),
    ["recurrence", job.recurrence ? JSON.stringify(job.recurrence) : "—"],
    ["schema", job.schemaHash ? h("code", {}, job.schemaHash.slice(0, 12)) : "—"],
    ["contract", contractText(contract)],
  ];
  const payloadBox = h("div", { class: "payload-box" });
  if (payload.truncated && job.payload === null) {
    fill(payloadBox,
      h("p", {}, `The payload is ${payload.chars.toLocaleString("en")} characters of JSON; its start:`),
      h("pre", { class: "preview" }, payload.preview),
      h("button", { type: "button", on: { click: async () => {
        try {
          const full = await get(`jobs/${enc(job.id)}/payload`);
          onPayload(full.payload);
          fill(payloadBox, payloadView(full.payload, schema), rawJson(full.payload));
        } catch (error) {
          fill(payloadBox, problem(error));
        }
      } } }, "Load the whole payload"),
    );
  } else {
    fill(payloadBox, payloadView(job.payload, schema), rawJson(job.payload));
  }
  return [
    h("div", { class: "actions" }, actions),
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("section", { "aria-labelledby": "payload-title" }, h("h2", { id: "payload-title" }, "Payload"), payloadBox),
    contract.issues.length ? h("section", { "aria-labelledby": "issues-title" }, h("h2", { id: "issues-title" }, "Against the newest contract"), h("ul", {}, contract.issues.map((i) => h("li", {}, h("code", {}, i.path || "/"), " ", i.message)))) : null,
    job.error ? h("section", { "aria-labelledby": "error-title", class: "error" },
      h("h2", { id: "error-title" }, "Error"),
      h("p", { class: "error-message", "data-field": "error" }, `${job.error.name}: ${job.error.message}`),
      job.error.issues?.length ? h("ul", {}, job.error.issues.map((i) => h("li", {}, h("code", {}, i.path || "/"), " ", i.message))) : null,
      job.error.stack ? h("pre", { class: "stack" }, job.error.stack) : null,
    ) : null,
  ];
}

function rawJson(value) {
  return h("details", {}, h("summary", {}, "JSON"), h("pre", {}, JSON.stringify(value, null, 2)));
}

function contractText(contract) {
  if (contract.passes === null) return h("span", { class: "muted" }, "no contract registered for this type");
  const same = contract.schemaHash && contract.schemaHash === contract.newestSchemaHash ? " (scheduled under it)" : "";
  return contract.passes
    ? h("span", { class: "ok", "data-field": "contract" }, `passes the newest (${contract.newestSchemaHash.slice(0, 12)})${same}`)
    : h("span", { class: "warn", "data-field": "contract" }, `fails the newest (${contract.newestSchemaHash.slice(0, 12)})`);
}

// ---- rejected, recurring, pools --------------------------------------------------------------------

export function rejectedView(main, params) {
  const type = params.get("type") ?? "";
  const body = h("div", {}, h("p", {}, "Loading…"));
  fill(main, h("h1", {}, "Rejected payloads", type ? ` · ${type}` : ""), body);
  const refresh = async () => {
    try {
      const data = await get("rejected", { type });
      fill(body,
        h("p", { class: "summary" }, `Grouped by failing path and message, over the newest ${plural(data.scanned, "rejected job")}${data.scanned === data.sample ? " (a sample)" : ""}.`),
        data.groups.length === 0 ? h("p", { class: "empty" }, "No rejected jobs.") : h("div", { class: "scroll" }, h("table", {},
          h("thead", {}, h("tr", {}, ["type", "path", "message", "jobs", "examples"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, data.groups.map((g) => h("tr", {},
            h("td", {}, g.type), h("td", {}, h("code", {}, g.path || "/")), h("td", {}, g.message), h("td", { class: "num" }, String(g.count)),
            h("td", {}, g.sampleIds.map((id) => [link(`/job/${enc(id)}`, id), " "])),
          ))),
        )),
      );
    } catch (error) {
      fill(body, problem(error));
    }
  };
  return { refresh };
}

export function recurringView(main) {
  const body = h("div", {}, h("p", {}, "Loading…"));
  fill(main, h("h1", {}, "Recurring jobs"), body);
  const refresh = async () => {
    try {
      const { jobs } = await get("recurring");
      fill(body, jobs.length === 0 ? h("p", { class: "empty" }, "No recurring jobs.") : h("div", { class: "scroll" }, h("table", {},
        h("thead", {}, h("tr", {}, ["id", "type", "schedule", "next run", "status", "runs"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, jobs.map((j) => h("tr", {}, h("td", {}, link(`/job/${enc(j.id)}`, j.id)), h("td", {}, j.type), h("td", {}, j.recurrence ? JSON.stringify(j.recurrence) : "—"), h("td", {}, when(j.runAt)), h("td", {}, j.status), h("td", { class: "num" }, String(j.attempts))))),
      )));
    } catch (error) {
      fill(body, problem(error));
    }
  };
  return { refresh };
}

/** Per type, the newest identity a pool knows and how many more: "charge 15886a7f… (+3)". */
function identitiesText(identities) {
  return Object.entries(identities ?? {}).map(([type, list]) => (list.length === 0 ? `${type} —` : `${type} ${list[0].slice(0, 8)}…${list.length > 1 ? ` (+${list.length - 1})` : ""}`)).join(", ");
}

export function poolsView(main) {
  const body = h("div", {}, h("p", {}, "Loading…"));
  fill(main, h("h1", {}, "Pools"), body);
  const refresh = async () => {
    try {
      const { pools } = await get("pools");
      fill(body, pools.length === 0 ? h("p", { class: "empty" }, "No live pools.") : h("div", { class: "scroll" }, h("table", {},
        h("thead", {}, h("tr", {}, ["id", "host", "pid", "types", "running", "started", "last heartbeat", "identities known"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, pools.map((p) => h("tr", {}, h("td", {}, h("code", {}, p.id)), h("td", {}, p.host), h("td", { class: "num" }, String(p.pid)), h("td", {}, p.types.join(", ")), h("td", { class: "num" }, `${p.running} / ${p.concurrency}`), h("td", {}, when(p.startedAt)), h("td", {}, when(p.lastHeartbeat)), h("td", {}, identitiesText(p.identities))))),
      )));
    } catch (error) {
      fill(body, problem(error));
    }
  };
  return { refresh };
}
