// @ts-check
/** The staff pages' API client: login, the bearer token, uniform errors. */

/** @typedef {import("./types.js").StaffSession} StaffSession */

/** An API error: `{"error": {"code", "message", ...}}` from the server, or a network failure. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{code?: string, message?: string, [k: string]: any} | null | undefined} body
   */
  constructor(status, body) {
    super(body?.message || `请求失败（${status}）`);
    this.status = status;
    this.body = body || {};
    this.code = this.body.code || `http_${status}`;
  }
}

/**
 * Log in with the OAuth2 password flow.
 * @param {string} username
 * @param {string} password
 * @returns {Promise<StaffSession>}
 */
export async function login(username, password) {
  const form = new URLSearchParams({ username, password });
  const res = await fetch("/api/auth/token", { method: "POST", body: form });
  const data = await res.json().catch(() => null);
  if (!res.ok || !data) throw new ApiError(res.status, data?.error);
  return { token: data.access_token, role: data.role, username };
}

export class StaffApi {
  /**
   * @param {string} storageKey where the session is kept (sessionStorage: gone with the tab)
   * @param {() => void} onExpired called once the server refuses the token (401)
   */
  constructor(storageKey, onExpired) {
    this.key = storageKey;
    this.onExpired = onExpired;
    /** @type {StaffSession | null} */
    this.session = null;
    try {
      this.session = JSON.parse(sessionStorage.getItem(storageKey) || "null");
    } catch {
      this.session = null;
    }
  }

  /** @param {StaffSession | null} session */
  save(session) {
    this.session = session;
    try {
      if (session) sessionStorage.setItem(this.key, JSON.stringify(session));
      else sessionStorage.removeItem(this.key);
    } catch {
      /* private mode: keep it for this page */
    }
  }

  /**
   * Call the API; JSON in and out (FormData is sent as is, a non-JSON answer comes back as a Blob).
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  async call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Authorization: `Bearer ${this.session?.token || ""}` };
    /** @type {RequestInit} */
    const init = { method, headers };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    if (res.status === 401) {
      this.save(null);
      this.onExpired();
      throw new ApiError(401, { code: "http_401", message: "登录已过期，请重新登录" });
    }
    const json = res.headers.get("content-type")?.includes("json");
    const data = json ? await res.json() : await res.blob();
    if (!res.ok) throw new ApiError(res.status, json ? data?.error : null);
    return data;
  }
}
