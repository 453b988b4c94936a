/** POSTs JSON with a bearer token and answers the parsed body; any status but 2xx throws with the body. */
export async function post(url: string, token: string, body: object): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const say = (line: string): void => void process.stdout.write(`${line}\n`);
