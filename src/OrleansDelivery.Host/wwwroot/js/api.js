// Calls to the REST API in cookie mode: the browser sends the HttpOnly session cookie itself, and every unsafe
// request echoes the session's antiforgery token, read from the od_csrf cookie the sign-in set.

export class ApiError extends Error {
  constructor(status, problem) {
    super(readable(status, problem));
    this.status = status;
    this.problem = problem ?? {};
    this.errors = this.problem.errors ?? {};
  }
}

// Titles the server gives when it has nothing more to say (its status pages); a person gets a sentence instead.
const bareTitles = new Set(["Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed", "Internal Server Error", "Service Unavailable"]);

function readable(status, problem) {
  if (problem?.detail) {
    return problem.detail;
  }
  if (problem?.title && !bareTitles.has(problem.title) && !(status === 400 && problem.errors)) {
    return problem.title;
  }
  if (status === 400) {
    return "Please check the highlighted fields.";
  }
  if (status === 401) {
    return "Please sign in first.";
  }
  if (status === 403) {
    return "You may not do that.";
  }
  if (status === 404 || status === 405) {
    return "This is not available (yet).";
  }
  if (status === 429) {
    return "Too many tries; please wait a moment.";
  }
  if (status >= 500) {
    return "The service is having trouble; please try again shortly.";
  }
  return `The request failed (${status}).`;
}

export function csrfToken() {
  const cookie = document.cookie.split("; ").find(c => c.startsWith("od_csrf="));
  return cookie ? decodeURIComponent(cookie.slice("od_csrf=".length)) : sessionStorage.getItem("od_csrf");
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers }, credentials: "same-origin" };
  if (method !== "GET" && method !== "HEAD") {
    const token = csrfToken();
    if (token) {
      init.headers["X-CSRF-Token"] = token;
    }
  }
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: "The service cannot be reached; check your connection." });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = path => api(path);
export const post = (path, body, headers) => api(path, { method: "POST", body, headers });
export const put = (path, body) => api(path, { method: "PUT", body });
export const del = path => api(path, { method: "DELETE" });

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") {
      search.set(key, value);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
