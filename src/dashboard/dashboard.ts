import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidOptionError } from "../errors.js";
import { JOB_STATUSES, type BulkSelection, type JobStatus } from "../interfaces.js";
import { openOperations, type OperationsOptions } from "../ops/open-operations.js";
import type { Operations } from "../ops/operations-api.js";
import { assets, indexHtml } from "./assets.js";
import { BulkTasks, type BulkAction } from "./bulk-tasks.js";
import { ContractView } from "./contract-view.js";
import { badRequest, DashboardHttpError, readJsonBody, SECURITY_HEADERS, sendError, sendJson, sendText } from "./http-kit.js";
import { LiveFeed } from "./live-feed.js";
import { fullPayload, jobDetail, listPage, overview, parseListQuery, poolList, recurringJobs, rejectedGroups, type FitCache } from "./read-api.js";
import { checkSameOriginPost, presentedToken, randomToken, sameSecret, TOKEN_COOKIE } from "./request-guard.js";

/** Decides whether a request may use the dashboard: the application's own check (a session, a role). */
export type DashboardAuth = (req: IncomingMessage) => boolean | Promise<boolean>;

export interface DashboardOptions extends OperationsOptions {
  /** Operations to use; else the dashboard opens its own from `redis`, `namespace` and `prefix`. */
  readonly operations?: Operations;
  /** Where the dashboard is mounted, e.g. "/jobs"; default "" (the root). */
  readonly basePath?: string;
  /** The application's check of each request. At least one of `auth` and `token` is required. */
  readonly auth?: DashboardAuth;
  /** A secret the browser presents (opened once as `?token=`, then a cookie) or a client as `Authorization: Bearer`. */
  readonly token?: string;
  /** Refuse every state-changing request (the page shows no actions either). */
  readonly readOnly?: boolean;
  /** Show payloads of job types with no registered schema (withheld by default: nothing says which fields are sensitive). */
  readonly showUnregistered?: boolean;
}

/** Call `handle` from a node:http server, Express (`app.use`) or Fastify (on the raw request). */
export interface Dashboard {
  /** Serves requests under the base path; others go to `next` when given, else 404. */
  readonly handle: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;
  /** Ends open event streams, stops bulk actions between batches, and closes operations it opened. */
  close(): Promise<void>;
}

type Params = Record<string, string>;
type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: Params) => Promise<void>;

const JOB_ACTIONS = ["retry", "cancel", "promote", "destroy"] as const;

/** The dashboard as a request handler to mount in an existing server. */
export function createDashboard(options: DashboardOptions): Dashboard {
  if (!options.auth && !options.token) {
    throw new InvalidOptionError("createDashboard", "auth", "or token is required: the dashboard acts on jobs, so it never serves without a check of who asks");
  }
  const basePath = normaliseBase(options.basePath ?? "");
  const ownOps = options.operations === undefined;
  const ops = options.operations ?? openOperations(options);
  const readOnly = options.readOnly === true;
  const csrfToken = randomToken();
  const feed = new LiveFeed(ops);
  const bulk = new BulkTasks(ops, feed);
  const fits: FitCache = new Map();
  const view = async () => new ContractView(await ops.contracts(), options.showUnregistered === true);

  const json = (read: (url: URL, params: Params) => Promise<unknown>): Route => async (_req, res, url, params) => sendJson(res, 200, await read(url, params));

  const gets: [RegExp, Route][] = [
    [/^\/$/, async (_req, res) => {
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(indexHtml({ csrfToken, readOnly }));
    }],
    [/^\/assets\/(?<name>[a-z-]+\.(?:js|css|svg))$/, async (_req, res, _url, { name }) => {
      const asset = assets().get(name!);
      if (!asset) throw new DashboardHttpError(404, "NOT_FOUND", "no such asset");
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type, "cache-control": "no-cache", "content-length": asset.body.length });
      res.end(asset.body);
    }],
    [/^\/api\/events$/, async (_req, res) => feed.subscribe(res)],
    [/^\/api\/overview$/, json(async () => ({ readOnly, ...(await overview(ops, await view(), fits)) }))],
    [/^\/api\/jobs$/, json(async (url) => listPage(ops, await view(), parseListQuery(url.searchParams)))],
    [/^\/api\/jobs\/(?<id>[^/]+)$/, json(async (_url, { id }) => jobDetail(ops, await view(), id!))],
    [/^\/api\/jobs\/(?<id>[^/]+)\/payload$/, json(async (_url, { id }) => fullPayload(ops, await view(), id!))],
    [/^\/api\/rejected$/, json(async (url) => rejectedGroups(ops, url.searchParams.get("type") || undefined))],
    [/^\/api\/recurring$/, json(async () => recurringJobs(ops, await view()))],
    [/^\/api\/pools$/, json(async () => poolList(ops))],
    [/^\/api\/bulk\/(?<id>[^/]+)$/, json(async (_url, { id }) => {
      const task = bulk.get(id!);
      if (!task) throw new DashboardHttpError(404, "NOT_FOUND", `no bulk action ${id}`);
      return task;
    })],
  ];

  const posts: [RegExp, (body: Record<string, unknown>, params: Params) => Promise<unknown>][] = [
    [/^\/api\/jobs\/(?<id>[^/]+)\/(?<action>retry|cancel|promote|destroy)$/, async (_body, { id, action }) => {
      if (action === "destroy") {
        await ops.destroy(id!);
        return { id, destroyed: true };
      }
      return { job: await ops[action as Exclude<(typeof JOB_ACTIONS)[number], "destroy">](id!) };
    }],
    [/^\/api\/types\/(?<type>[^/]+)\/(?<action>pause|resume)$/, async (_body, { type, action }) => {
      await (action === "pause" ? ops.pause(type!) : ops.resume(type!));
      return { type, paused: action === "pause", pausedTypes: await ops.pausedTypes() };
    }],
    [/^\/api\/bulk$/, async (body) => {
      const action = body.action;
      if (action !== "retry" && action !== "cancel" && action !== "destroy") throw badRequest("action must be retry, cancel or destroy");
      const selection = await bulkSelection(body, await view());
      return { task: await bulk.start(action as BulkAction, selection) };
    }],
  ];

  const authorised = async (req: IncomingMessage): Promise<boolean> => {
    if (options.token !== undefined) {
      const given = presentedToken(req);
      if (given === undefined || !sameSecret(given, options.token)) return false;
    }
    return options.auth ? await options.auth(req) : true;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    // The link printed at start: the token becomes an HttpOnly cookie and leaves the address bar.
    const linkToken = url.searchParams.get("token");
    if (req.method === "GET" && path === "/" && linkToken !== null && options.token !== undefined) {
      if (!sameSecret(linkToken, options.token)) throw new DashboardHttpError(401, "UNAUTHORISED", "the token is wrong");
      res.writeHead(303, { ...SECURITY_HEADERS, location: `${basePath}/`, "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; Path=${basePath}/; HttpOnly; SameSite=Strict`, "cache-control": "no-store" });
      res.end();
      return;
    }
    if (!(await authorised(req))) {
      throw new DashboardHttpError(401, "UNAUTHORISED", options.token !== undefined ? "open the dashboard with the link printed at start (?token=...) or send Authorization: Bearer <token>" : "not authorised");
    }
    if (req.method === "GET" || req.method === "HEAD") {
      for (const [pattern, route] of gets) {
        const match = pattern.exec(path);
        if (match) return route(req, res, url, decoded(match.groups));
      }
      throw new DashboardHttpError(404, "NOT_FOUND", `nothing at ${path}`);
    }
    if (req.method !== "POST") throw new DashboardHttpError(405, "METHOD_NOT_ALLOWED", "state changes are POST requests; reads are GET");
    const route = posts.find(([pattern]) => pattern.test(path));
    if (!route) throw new DashboardHttpError(404, "NOT_FOUND", `nothing at ${path}`);
    // Enforced here, whatever the page shows: a read-only dashboard changes nothing.
    if (readOnly) throw new DashboardHttpError(403, "READ_ONLY", "the dashboard is read-only");
    checkSameOriginPost(req, csrfToken);
    const body = await readJsonBody(req);
    sendJson(res, 200, await route[1](body, decoded(route[0].exec(path)!.groups)));
  };

  const handle: Dashboard["handle"] = (req, res, next) => {
    // Express hands a mounted handler req.url without the mount path; originalUrl keeps it.
    const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
    const url = new URL(raw, "http://dashboard.invalid");
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      if (next) return next();
      return sendText(res, 404, "not found");
    }
    if (url.pathname === basePath) {
      // Relative asset and API URLs resolve against the base path's directory.
      res.writeHead(301, { ...SECURITY_HEADERS, location: `${basePath}/${url.search}` });
      res.end();
      return;
    }
    serve(req, res, url.pathname.slice(basePath.length), url).catch((error: unknown) => sendError(res, error));
  };

  return {
    handle,
    async close() {
      bulk.close();
      feed.close();
      if (ownOps) await ops.close();
    },
  };
}

function normaliseBase(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed !== "" && !/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed)) throw new InvalidOptionError("createDashboard", "basePath", "must be a path such as /jobs");
  return trimmed;
}

function decoded(groups: Record<string, string> | undefined): Params {
  const params: Params = {};
  for (const [name, value] of Object.entries(groups ?? {})) {
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      throw badRequest(`${name} is not valid percent-encoding`);
    }
  }
  return params;
}

async function bulkSelection(body: Record<string, unknown>, view: ContractView): Promise<BulkSelection> {
  const { type, status, olderThan, where } = body;
  if (typeof type !== "string" || type === "") throw badRequest("type is required");
  if (typeof status !== "string" || !(JOB_STATUSES as readonly string[]).includes(status)) throw badRequest(`status must be one of ${JOB_STATUSES.join(", ")}`);
  if (olderThan !== undefined && olderThan !== null && olderThan !== "" && typeof olderThan !== "string" && typeof olderThan !== "number") throw badRequest("olderThan must be a duration such as 1h");
  const whereObject = where === undefined || where === null ? {} : where;
  if (typeof whereObject !== "object" || Array.isArray(whereObject)) throw badRequest("where must be an object of path to value");
  view.whereConditions(type, whereObject as Record<string, unknown>);
  return {
    type,
    status: status as JobStatus,
    ...(olderThan !== undefined && olderThan !== null && olderThan !== "" ? { olderThan: olderThan as string } : {}),
    ...(Object.keys(whereObject).length > 0 ? { where: whereObject as BulkSelection["where"] } : {}),
  };
}
