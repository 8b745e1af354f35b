// GraphiQL for clusterbridge, and a sign-in that keeps the access token in this page's memory
// only (never in localStorage or a cookie): it is sent as `Authorization: Bearer` on GraphiQL's
// requests and is gone when the tab closes. Without it, queries run anonymously.
'use strict';
(function () {
  const endpoint = '/graphql';
  let session = null; // { accessToken, refreshToken, name, timer }

  const $ = (id) => document.getElementById(id);

  async function graphql(query, variables) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
    });
    return response.json();
  }

  const SESSION_FIELDS = 'accessToken expiresIn refreshToken user { displayName }';

  function show(message) {
    $('session').textContent = message;
    const signedIn = session !== null;
    $('email').hidden = signedIn;
    $('password').hidden = signedIn;
    $('sign-in-button').hidden = signedIn;
    $('sign-out-button').hidden = !signedIn;
  }

  function signOut(message) {
    if (session) clearTimeout(session.timer);
    session = null;
    show(message || 'Not signed in: queries run anonymously.');
  }

  // Access tokens are short-lived; trade the refresh token for a new pair a minute before.
  function keep(payload, name) {
    if (session) clearTimeout(session.timer);
    const refreshIn = Math.max(payload.expiresIn - 60, 10) * 1000;
    session = {
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      name,
      timer: setTimeout(refresh, refreshIn),
    };
  }

  async function refresh() {
    if (!session) return;
    try {
      const reply = await graphql(
        `mutation Refresh($input: RefreshTokenInput!) { refreshToken(input: $input) { ${SESSION_FIELDS} } }`,
        { input: { refreshToken: session.refreshToken } },
      );
      const payload = reply.data && reply.data.refreshToken;
      if (!payload) return signOut('Session ended: sign in again.');
      keep(payload, session.name);
    } catch (_) {
      signOut('Session ended: sign in again.');
    }
  }

  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    show('Signing in…');
    try {
      const reply = await graphql(
        `mutation SignIn($input: LoginInput!) { login(input: $input) { ${SESSION_FIELDS} } }`,
        { input: { email: $('email').value, password: $('password').value } },
      );
      const payload = reply.data && reply.data.login;
      if (!payload) {
        const error = reply.errors && reply.errors[0];
        return signOut(`Not signed in (${error ? error.message : 'no answer'}): queries run anonymously.`);
      }
      $('password').value = '';
      keep(payload, payload.user.displayName);
      show(`Signed in as ${session.name}.`);
    } catch (_) {
      signOut('Not signed in (the server did not answer): queries run anonymously.');
    }
  });
  $('sign-out-button').addEventListener('click', () => signOut());

  // GraphiQL's own requests, with the token of the moment.
  function signedFetch(url, init) {
    const headers = new Headers((init && init.headers) || {});
    if (session && !headers.has('Authorization')) {
      headers.set('Authorization', `Bearer ${session.accessToken}`);
    }
    return fetch(url, { ...init, headers, credentials: 'omit' });
  }

  const fetcher = GraphiQL.createFetcher({ url: endpoint, fetch: signedFetch });
  const defaultQuery = JSON.parse($('defaultQuery').textContent);
  ReactDOM.createRoot($('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
  );
  show('Not signed in: queries run anonymously.');
})();
