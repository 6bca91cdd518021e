// Saves a Blob as a download (Blob + object URL + <a download>): no server round trip, works in
// browser mode and in Electron's sandboxed renderer alike.

/** Offers blob to the user as a file named fileName. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start reading the URL only after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves text with a MIME type. */
export function saveText(text: string, fileName: string, mimeType: string): void {
  saveBlob(new Blob([text], { type: mimeType }), fileName);
}
