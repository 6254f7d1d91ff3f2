// Types of oauth.js: user OAuth flows over fetch.
import type { AbortSignalLike, FetchLike } from "./platform.js";
import type { StoredTokens } from "./zoom_phone_wasm.js";

export interface OAuthOptions {
  clientId: string;
  /** Absent for public PKCE clients (browser, native app). */
  clientSecret?: string;
  /** The redirect URI registered with the app (code flow). */
  redirectUri?: string;
  /** Default `https://zoom.us`. */
  oauthBase?: string;
  fetch?: FetchLike;
  signal?: AbortSignalLike;
}

export interface DevicePrompt {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export declare function createAuthorization(options: OAuthOptions): { url: string; state: string; codeVerifier: string };
export declare function exchangeCode(
  options: OAuthOptions,
  callback: { callbackUrl: string; state: string; codeVerifier: string },
): Promise<StoredTokens>;
export declare function refreshTokens(options: OAuthOptions, refreshToken: string): Promise<StoredTokens>;
export declare function revokeToken(options: OAuthOptions, token: string): Promise<void>;
export declare function deviceAuthorization(
  options: OAuthOptions,
  onPrompt: (prompt: DevicePrompt) => void | Promise<void>,
): Promise<StoredTokens>;
