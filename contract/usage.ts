// A typed client of the API, written only against the types that
// openapi-typescript generates from openapi/openapi.json (into
// generated/openapi.d.ts, not committed). contract/check type-checks it with
// `tsc --strict --noEmit`; it is never run. When the spec changes in a way
// that breaks a client like this one, this file stops compiling.
import type { components, paths } from "./generated/openapi";

type Schemas = components["schemas"];

// ---------------------------------------------------------------------------
// A small typed fetch wrapper over `paths`: the path parameters, the query,
// the JSON body and the success body of each call are the spec's own.

type Method = "get" | "post" | "put" | "patch" | "delete";

type Operation<P extends keyof paths, M extends Method> = Exclude<paths[P][M], undefined>;

type IsNever<T> = [T] extends [never] ? true : false;

type PathParams<O> = O extends { parameters: { path: infer T } } ? T : never;
/** Present only when the operation has a query; required when it has a required parameter. */
type QueryInit<O> = O extends { parameters: { query: infer T } }
    ? { query: T }
    : O extends { parameters: { query?: infer T } }
      ? IsNever<NonNullable<T>> extends true
          ? { query?: never }
          : { query?: T }
      : { query?: never };
type RequestBody<O> = O extends { requestBody?: infer RB }
    ? IsNever<NonNullable<RB>> extends true
        ? never
        : NonNullable<RB> extends { content: { "application/json": infer B } }
          ? B
          : never
    : never;

type SuccessCode = 200 | 201 | 204;
type Content<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type SuccessBody<O> = O extends { responses: infer R }
    ? { [S in keyof R & SuccessCode]: Content<R[S]> }[keyof R & SuccessCode]
    : never;

type CallInit<O> = (IsNever<PathParams<O>> extends true ? { path?: never } : { path: PathParams<O> }) &
    QueryInit<O> &
    (IsNever<RequestBody<O>> extends true ? { body?: never } : { body: RequestBody<O> });

/** A non-2xx answer: the RFC 9457 problem body every error carries. */
export class ApiProblem extends Error {
    constructor(readonly problem: Schemas["Problem"]) {
        super(`${problem.status} ${problem.title}: ${problem.detail}`);
    }
}

export class Client {
    constructor(
        private readonly baseUrl: string,
        private token?: string,
    ) {}

    async call<P extends keyof paths, M extends Method & keyof paths[P]>(
        method: M,
        path: P,
        init: CallInit<Operation<P, M>>,
    ): Promise<SuccessBody<Operation<P, M>>> {
        let url = String(path);
        const params: Record<string, string> = init.path ?? {};
        for (const [name, value] of Object.entries(params)) {
            url = url.replace(`{${name}}`, encodeURIComponent(value));
        }
        const query = new URLSearchParams();
        const queryParams: Record<string, unknown> = init.query ?? {};
        for (const [name, value] of Object.entries(queryParams)) {
            if (value !== undefined) query.set(name, String(value));
        }
        const headers: Record<string, string> = { Accept: "application/json" };
        if (this.token !== undefined) headers["Authorization"] = `Bearer ${this.token}`;
        if (init.body !== undefined) headers["Content-Type"] = "application/json";
        const qs = query.toString();
        const response = await fetch(`${this.baseUrl}${url}${qs ? `?${qs}` : ""}`, {
            method: method.toUpperCase(),
            headers,
            body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        if (!response.ok) {
            throw new ApiProblem((await response.json()) as Schemas["Problem"]);
        }
        if (response.status === 204) {
            return undefined as SuccessBody<Operation<P, M>>;
        }
        return (await response.json()) as SuccessBody<Operation<P, M>>;
    }

    /** POST /api/v1/auth/login; later calls carry the access token. */
    async login(credentials: Schemas["LoginRequest"]): Promise<Schemas["TokenPair"]> {
        const tokens = await this.call("post", "/api/v1/auth/login", { body: credentials });
        this.token = tokens.access_token;
        return tokens;
    }
}

// ---------------------------------------------------------------------------
// Filling in an application: one answer of the right kind per question.

/** An answer for a question, by its kind: every member of `AnswerValue`. */
export function answerFor(question: Schemas["QuestionDto"]): Schemas["Answer"] {
    let value: Schemas["AnswerValue"];
    switch (question.kind) {
        case "text":
            value = "I run the teen programs at my branch.";
            break;
        case "single_choice":
            value = question.options[0] ?? "";
            break;
        case "multi_choice":
            value = question.options.slice(0, 2);
            break;
        case "scale":
            value = 4;
            break;
        case "yes_no":
            value = true;
            break;
        default: {
            // A new kind in the spec must be handled here.
            const unknownKind: never = question.kind;
            throw new Error(`unknown question kind ${String(unknownKind)}`);
        }
    }
    return { question_id: question.id, value };
}

/** The values of every kind an answer can hold, checked against the type. */
export const everyKindOfAnswer: Schemas["AnswerValue"][] = ["a text", ["one", "two"], 3, false];

/** A mentee's application for a cycle, from the cycle's form. */
export function menteeApplication(form: Schemas["FormSpec"]): Schemas["ApplicationForm"] {
    const role: Schemas["ApplicationRole"] = form.role;
    return {
        role,
        library_types: ["public", "academic"],
        interests: ["instruction", "outreach"],
        career_stage: "early_career",
        region: "Puget Sound",
        meeting_modes: ["online", "in_person"],
        availability: "Weekday evenings",
        matching_preference: "both",
        identity_tags: ["first-generation"],
        identity_consent: true,
        employer: "Seattle Public Library",
        pronouns: "she/her",
        motivation: "I want to grow into a branch manager.",
        learning_goals: "Budgeting and supervising staff.",
        career_goals: "Lead a rural library system.",
        answers: form.questions.map(answerFor),
    };
}

// ---------------------------------------------------------------------------
// The whole journey: log in, apply, read a page of the cycle's applications.

export async function journey(baseUrl: string, cycleId: string): Promise<string[]> {
    const client = new Client(baseUrl);
    const tokens: Schemas["TokenPair"] = await client.login({
        email: "ada@example.org",
        password: "correct horse battery",
    });
    const expiresIn: number = tokens.expires_in;

    const form = await client.call("get", "/api/v1/cycles/{id}/form", {
        path: { id: cycleId },
        query: { role: "mentee" },
    });
    const created: Schemas["ApplicationDto"] = await client.call("post", "/api/v1/cycles/{id}/applications", {
        path: { id: cycleId },
        body: menteeApplication(form),
    });
    const status: Schemas["ApplicationStatus"] = created.status;
    const memberId: string = created.member_id;

    const page: Schemas["Page_ApplicationDto"] = await client.call("get", "/api/v1/cycles/{id}/applications", {
        path: { id: cycleId },
        query: { page: 1, per_page: 50, role: "mentee", status: "submitted", sort: "-created_at" },
    });
    const total: number = page.total;
    const lines = page.items.map((application: Schemas["ApplicationDto"]) => {
        const answers = (application.answers ?? []).map((answer) => describe(answer.value));
        return `${application.member_name} <${application.member_email}> ${application.role} ${application.status}: ${answers.join("; ")}`;
    });
    return [`${total} applications (token for ${expiresIn}s; created ${status} for ${memberId})`, ...lines];
}

/** Narrowing an `AnswerValue` back to each of its kinds. */
function describe(value: Schemas["AnswerValue"]): string {
    if (typeof value === "string") return value;
    if (Array.isArray(value)) return value.join(", ");
    if (typeof value === "number") return `${value}/5`;
    return value ? "yes" : "no";
}
