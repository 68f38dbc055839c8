import { parseFragment } from '../share/privateLink';

/** The channel a /c/{channel} link names, or '' when it names none or its escapes are malformed. */
export function channelFromPath(pathname: string): string {
  const encoded = /^\/c\/([^/]+)\/?$/.exec(pathname)?.[1];
  if (!encoded) {
    return '';
  }
  try {
    return decodeURIComponent(encoded);
  } catch {
    // A hand-typed or truncated link ("%E0%A4%A") throws URIError; an empty form is the honest answer.
    return '';
  }
}

/** What the address names on load: a private link's fragment wins over /c/<channel>, which carries no passcode. */
export function routeFrom(pathname: string, hash: string): { channel: string; passcode: string } {
  return parseFragment(hash) ?? { channel: channelFromPath(pathname), passcode: '' };
}
