// Where the examples connect: the mock server when ZOOM_PHONE_MOCK_URL is set
// (http://127.0.0.1:PORT), else Zoom with the app's credentials from the
// environment (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET).
import { ZoomPhone } from "zoom-phone";

export const mockUrl = process.env.ZOOM_PHONE_MOCK_URL;

export function connect() {
  const env = process.env;
  const credentials = mockUrl
    ? { accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" }
    : { accountId: env.ZOOM_ACCOUNT_ID, clientId: env.ZOOM_CLIENT_ID, clientSecret: env.ZOOM_CLIENT_SECRET };
  return new ZoomPhone(credentials, mockUrl ? { baseUrl: `${mockUrl}/v2`, oauthBase: mockUrl } : {});
}
