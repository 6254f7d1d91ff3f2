// The fetch API's types as this package's declarations use them. A project
// whose globals have them (the DOM lib, @types/node, Workers' types) gets its
// own platform's types back; one without (lib es2022 alone) gets the minimal
// structural shape the package relies on, so the declarations never need a
// global that the project does not have.

/** What the package reads of an abort signal. */
export interface MinimalAbortSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What the package reads of response or request headers. */
export interface MinimalHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** What the package reads of a response body. */
export interface MinimalBodyStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
  cancel(reason?: unknown): Promise<void>;
}

/** What the package reads of a `fetch` response. */
export interface MinimalResponse {
  readonly status: number;
  readonly type?: string;
  readonly headers: MinimalHeaders;
  readonly body: MinimalBodyStream | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What the package reads of an incoming webhook request. */
export interface MinimalRequest {
  readonly headers: MinimalHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** How the package calls `fetch`: a URL string, and always `redirect: "manual"`. */
export type MinimalFetch = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: Uint8Array;
    redirect: "manual";
    signal?: MinimalAbortSignal;
  },
) => Promise<MinimalResponse>;

type Global = typeof globalThis;

/** The platform's `AbortSignal`, else {@link MinimalAbortSignal}. */
export type AbortSignalLike = Global extends { AbortSignal: { prototype: infer T } } ? T : MinimalAbortSignal;
/** The platform's `Headers`, else {@link MinimalHeaders}. */
export type HeadersLike = Global extends { Headers: { prototype: infer T } } ? T : MinimalHeaders;
/** The platform's `Request`, else {@link MinimalRequest}. */
export type RequestLike = Global extends { Request: { prototype: infer T } } ? T : MinimalRequest;
/** The platform's `Response`, else {@link MinimalResponse}. */
export type ResponseLike = Global extends { Response: { prototype: infer T } } ? T : MinimalResponse;
/** The platform's `fetch`, else {@link MinimalFetch}. */
export type FetchLike = Global extends { fetch: infer F } ? F : MinimalFetch;
