// Where the examples connect: the mock server when ZOOM_PHONE_MOCK_URL is set
// (http://127.0.0.1:PORT), else Zoom with the app's credentials from the
// environment (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET).
import { ZoomPhone } from "zoom-phone";

export const mockUrl = process.env.ZOOM_PHONE_MOCK_URL;

/** @param {string} name */
function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (or ZOOM_PHONE_MOCK_URL to use the mock server)`);
  return value;
}

export function connect() {
  const credentials = mockUrl
    ? { accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" }
    : { accountId: need("ZOOM_ACCOUNT_ID"), clientId: need("ZOOM_CLIENT_ID"), clientSecret: need("ZOOM_CLIENT_SECRET") };
  return new ZoomPhone(credentials, mockUrl ? { baseUrl: `${mockUrl}/v2`, oauthBase: mockUrl } : {});
}
