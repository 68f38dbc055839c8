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
