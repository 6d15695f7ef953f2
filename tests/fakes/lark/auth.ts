import { CODES, type LarkAnswer, larkError } from './codes';
import type { FakeState } from './state';
import { larkId } from './store';

/** tenant_access_token issue and check; tokens expire on the fake's clock */
export class FakeTokens {
  private readonly tokens = new Map<string, number>();
  /** token requests answered, accepted or not */
  requests = 0;

  constructor(
    private readonly s: FakeState,
    private readonly ttlSeconds: number,
  ) {}

  issue(body: Record<string, unknown>): LarkAnswer {
    this.requests++;
    // Lark answers a wrong secret with HTTP 200 and a code; the SDK then throws "failed to get tenant_access_token, code: …"
    if (body.app_id !== this.s.appId || body.app_secret !== this.s.appSecret) {
      return { status: 200, body: { code: CODES.appSecretInvalid, msg: 'app secret invalid' } };
    }
    const token = larkId('t-');
    this.tokens.set(token, this.s.clock.now() + this.ttlSeconds * 1000);
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire: this.ttlSeconds } };
  }

  /** undefined when the Authorization header carries a live token */
  check(authorization: string | undefined): LarkAnswer | undefined {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!token)
      return larkError(400, CODES.tokenMissing, 'Missing access token for authorization. Please make a request with token attached.');
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= this.s.clock.now()) {
      return larkError(400, CODES.tokenInvalid, 'Invalid access token for authorization. Please make a request with token attached.');
    }
    return undefined;
  }

  /** every issued token stops working (the SDK's cache does not know) */
  revokeAll(): void {
    this.tokens.clear();
  }
}
