/** The prompt name in a route's params (Next may leave it percent-encoded), or null when it cannot be one. */
export function promptNameParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** A version number from the URL's search params, or null when absent or not a whole number from 1. */
export function versionParam(raw: string | undefined): number | null {
  return raw && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : null;
}
