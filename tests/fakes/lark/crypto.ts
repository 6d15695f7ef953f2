import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** Lark's event encryption: AES-256-CBC, key = sha256(encryptKey), random IV prepended, base64. */
export function encryptEvent(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** X-Lark-Signature: sha256_hex(timestamp + nonce + encryptKey + body), over the exact body string sent. */
export function signWebhook(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + body)
    .digest('hex');
}

export function randomNonce(): string {
  return randomBytes(8).toString('hex');
}
