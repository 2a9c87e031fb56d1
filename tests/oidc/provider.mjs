// A real OpenID Connect provider for the single sign-on tests: oidc-provider with its
// development login page (any user name signs in as itself). Started by tests/oidc/conftest
// helpers on a loopback port; never part of the application.
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: `platform-${id}`, preferred_username: id, name: id };
      },
    };
  },
  claims: { openid: ["sub"], profile: ["preferred_username", "name"] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["zhaoshang-test-only"] },
});
provider.proxy = false;

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
