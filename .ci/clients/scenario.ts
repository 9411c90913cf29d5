// The CRUD + pagination + conditional-request scenario through the TypeScript types that
// openapi-typescript generated from the demo's /api/openapi.json (generated/api.d.ts), sent by
// openapi-fetch over node's fetch. No request shape is written by hand: every path, query
// parameter, header and body below is checked by tsc against the generated types, so a document
// that does not declare a header (If-Match) or that makes a PATCH body need every field fails tsc.
// Run by check.py: node build/scenario.js http://127.0.0.1:<port>/api
import createClient from "openapi-fetch";
import type { paths } from "./generated/api.js";

const client = createClient<paths>({ baseUrl: process.argv[2] ?? "http://127.0.0.1:8000/api" });

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}
type Obj = Record<string, unknown>;
type Page = { offset?: number; count?: number } | undefined;

// What the scenario does to one ressource; each call is the generated client's, with literal paths.
interface Ressource {
  name: string;
  paged: boolean;
  selected: (obj: Obj) => boolean;
  list: (page: Page) => Promise<Answer>;
  create: () => Promise<Answer>;
  bad: () => Promise<Answer>;
  get: (id: string) => Promise<Answer>;
  getIfNoneMatch: (id: string, etag: string) => Promise<Answer>;
  put: (id: string) => Promise<Answer>;
  patch: (id: string) => Promise<Answer>;
  patchIfMatch: (id: string, etag: string) => Promise<Answer>;
  remove: (id: string) => Promise<Answer>;
  patched: [string, unknown];
}

const users: Ressource = {
  name: "users",
  paged: true,
  selected: (obj) => String(obj.last_name).startsWith("D"),
  list: (page) => client.GET("/users/", { params: { query: { last_name__startswith: "D", count: 20, ...page } } }),
  create: () => client.POST("/users/", { body: { first_name: "Grace", last_name: "Hopper", address: "/api/address/1/" } }),
  bad: () => client.POST("/users/", { body: { first_name: "G".repeat(101), last_name: "Hopper" } }),
  get: (id) => client.GET("/users/{identifier}/", { params: { path: { identifier: Number(id) } } }),
  getIfNoneMatch: (id, etag) =>
    client.GET("/users/{identifier}/", { params: { path: { identifier: Number(id) }, header: { "If-None-Match": etag } } }),
  put: (id) =>
    client.PUT("/users/{identifier}/", {
      params: { path: { identifier: Number(id) } },
      body: { first_name: "Grace", last_name: "Murray", address: "/api/address/2/" },
    }),
  patch: (id) => client.PATCH("/users/{identifier}/", { params: { path: { identifier: Number(id) } }, body: { first_name: "Amazing" } }),
  patchIfMatch: (id, etag) =>
    client.PATCH("/users/{identifier}/", {
      params: { path: { identifier: Number(id) }, header: { "If-Match": etag } },
      body: { first_name: "Grace" },
    }),
  remove: (id) => client.DELETE("/users/{identifier}/", { params: { path: { identifier: Number(id) } } }),
  patched: ["first_name", "Amazing"],
};

const tags: Ressource = {
  name: "tags",
  paged: false,
  selected: (obj) => String(obj.name).startsWith("f"),
  list: () => client.GET("/tags/", { params: { query: { name__startswith: "f" } } }),
  create: () => client.POST("/tags/", { body: { name: "ts", description: "Made by the TypeScript scenario" } }),
  bad: () => client.POST("/tags/", { body: { name: "x".repeat(51) } }),
  get: (id) => client.GET("/tags/{identifier}/", { params: { path: { identifier: id } } }),
  getIfNoneMatch: (id, etag) =>
    client.GET("/tags/{identifier}/", { params: { path: { identifier: id }, header: { "If-None-Match": etag } } }),
  put: (id) =>
    client.PUT("/tags/{identifier}/", { params: { path: { identifier: id } }, body: { name: "ts", description: "Put by TypeScript" } }),
  patch: (id) => client.PATCH("/tags/{identifier}/", { params: { path: { identifier: id } }, body: { description: "Patched" } }),
  patchIfMatch: (id, etag) =>
    client.PATCH("/tags/{identifier}/", {
      params: { path: { identifier: id }, header: { "If-Match": etag } },
      body: { description: "Put by TypeScript" },
    }),
  remove: (id) => client.DELETE("/tags/{identifier}/", { params: { path: { identifier: id } } }),
  patched: ["description", "Patched"],
};

const notes: Ressource = {
  name: "notes",
  paged: true,
  selected: (obj) => Number(obj.priority) >= 1,
  list: (page) => client.GET("/notes/", { params: { query: { priority__gte: 1, count: 2, ...page } } }),
  create: () =>
    client.POST("/notes/", { body: { title: "From the TypeScript client", body: "Text that must survive a PATCH", priority: 2 } }),
  bad: () => client.POST("/notes/", { body: { title: "Too urgent", priority: 9 } }),
  get: (id) => client.GET("/notes/{identifier}/", { params: { path: { identifier: Number(id) } } }),
  getIfNoneMatch: (id, etag) =>
    client.GET("/notes/{identifier}/", { params: { path: { identifier: Number(id) }, header: { "If-None-Match": etag } } }),
  put: (id) =>
    client.PUT("/notes/{identifier}/", {
      params: { path: { identifier: Number(id) } },
      body: { title: "Put from TypeScript", body: "Text that must survive a PATCH", priority: 3 },
    }),
  patch: (id) => client.PATCH("/notes/{identifier}/", { params: { path: { identifier: Number(id) } }, body: { priority: 5 } }),
  patchIfMatch: (id, etag) =>
    client.PATCH("/notes/{identifier}/", {
      params: { path: { identifier: Number(id) }, header: { "If-Match": etag } },
      body: { priority: 3 },
    }),
  remove: (id) => client.DELETE("/notes/{identifier}/", { params: { path: { identifier: Number(id) } } }),
  patched: ["priority", 5],
};

class StepFailed extends Error {}

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new StepFailed(message);
  }
}

function status(answer: Answer, expected: number, what: string): Obj {
  check(answer.response.status === expected, `${what} answered ${answer.response.status}: ${JSON.stringify(answer.data ?? answer.error)}`);
  return (answer.data ?? answer.error ?? {}) as Obj;
}

let passed = 0;
let failed = 0;

async function step(ressource: string, name: string, action: () => Promise<string | void>): Promise<boolean> {
  try {
    const detail = await action();
    passed += 1;
    console.log(`PASS typescript ${ressource.padEnd(6)} ${name}${detail ? ": " + detail : ""}`);
    return true;
  } catch (error) {
    failed += 1;
    console.log(`FAIL typescript ${ressource.padEnd(6)} ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

async function scenario(r: Ressource): Promise<void> {
  await step(r.name, "list with a filter, following next", async () => {
    const seen: Obj[] = [];
    let page: Page = undefined;
    let pages = 0;
    for (;;) {
      const body = status(await r.list(page), 200, "list");
      pages += 1;
      seen.push(...(body.object_list as Obj[]));
      const next = (body.meta as Obj).next;
      if (typeof next !== "string") {
        break;
      }
      check(pages < 50, "next never ends");
      const query = new URL(next, "http://host").searchParams; // the next link's position, as typed parameters
      page = {};
      for (const key of ["offset", "count"] as const) {
        const value = query.get(key);
        if (value !== null) {
          page[key] = Number(value);
        }
      }
    }
    check(seen.length > 0 && seen.every(r.selected), `the filter selected ${JSON.stringify(seen.slice(0, 3))}`);
    check(!r.paged || pages > 1, `${seen.length} objects in one page: next was never followed`);
    return `${seen.length} objects in ${pages} page(s)`;
  });
  await step(r.name, "400 on bad input", async () => {
    const body = status(await r.bad(), 400, "an invalid body");
    check(typeof body.error === "string" && typeof body.fields === "object", `the 400 says ${JSON.stringify(body)}`);
    return `fields: ${Object.keys(body.fields as Obj).join(", ")}`;
  });
  let id = "";
  let created: Obj = {};
  const made = await step(r.name, "create", async () => {
    const answer = await r.create();
    created = status(answer, 201, "create");
    const location = answer.response.headers.get("location") ?? "";
    id = decodeURIComponent(location.replace(/\/$/, "").split("/").pop() ?? "");
    return `Location ${location}`;
  });
  if (!made) {
    return;
  }
  let before: Obj = {};
  let stale = "";
  await step(r.name, "get", async () => {
    const body = status(await r.get(id), 200, "get");
    check(JSON.stringify(body) === JSON.stringify(created), `get gave ${JSON.stringify(body)}`);
  });
  await step(r.name, "PUT", async () => {
    const answer = await r.put(id);
    before = status(answer, 200, "PUT");
    stale = answer.response.headers.get("etag") ?? "";
    check(stale !== "", "PUT sent no ETag");
  });
  await step(r.name, "one-field PATCH leaves the rest", async () => {
    status(await r.patch(id), 200, "PATCH");
    const after = status(await r.get(id), 200, "get");
    const expected: Obj = { ...before, [r.patched[0]]: r.patched[1] };
    const changed = Object.keys({ ...expected, ...after }).filter((key) => JSON.stringify(expected[key]) !== JSON.stringify(after[key]));
    check(changed.length === 0, `a PATCH of ${r.patched[0]} alone changed ${changed.map((key) => `${key}: ${JSON.stringify(expected[key])} -> ${JSON.stringify(after[key])}`).join(", ")}`);
    return `only ${r.patched[0]} changed`;
  });
  await step(r.name, "304 with If-None-Match", async () => {
    const current = await r.get(id);
    const answer = await r.getIfNoneMatch(id, current.response.headers.get("etag") ?? "");
    check(answer.response.status === 304, `If-None-Match with the current ETag answered ${answer.response.status}`);
  });
  await step(r.name, "412 with a stale If-Match", async () => {
    const answer = await r.patchIfMatch(id, stale);
    check(answer.response.status === 412, `If-Match with a stale ETag answered ${answer.response.status}`);
  });
  await step(r.name, "DELETE", async () => {
    const answer = await r.remove(id);
    check(answer.response.status === 204 || answer.response.status === 200, `DELETE answered ${answer.response.status}`);
  });
  await step(r.name, "404 after DELETE", async () => {
    const body = status(await r.get(id), 404, "GET after DELETE");
    check(typeof body.error === "string", "the 404 has no error body");
  });
}

for (const ressource of [users, tags, notes]) {
  await scenario(ressource);
}
console.log(`typescript scenario: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
