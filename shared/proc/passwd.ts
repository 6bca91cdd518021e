// /etc/passwd (passwd(5)): uid → user name, for top's USER column.

/** Maps uid to the first name /etc/passwd gives it. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0];
    const uid = Number(fields[2]);
    if (name !== undefined && name !== '' && Number.isInteger(uid) && !users.has(uid)) users.set(uid, name);
  }
  return users;
}
