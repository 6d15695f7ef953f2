import { decrypt, getSignature } from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../bot/channels/wecom/decode';

// Tencent's own vectors from the WXBizMsgCrypt samples (im-platforms.md §3.1)
const TOKEN = 'QDG6eK';
const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';
const ECHOSTR = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
const ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

describe('WeCom crypto against the official vectors', () => {
  it('signs and opens the URL check', () => {
    expect(getSignature(TOKEN, '1409659589', '263014780', ECHOSTR)).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
    expect(decrypt(KEY, ECHOSTR)).toMatchObject({ message: '1616140317555161061', id: CORP });
  });

  it('signs and opens a message, and the XML reads with its 64-bit MsgId intact', () => {
    expect(getSignature(TOKEN, '1409659813', '1372623149', ENCRYPT)).toBe('477715d11cdb4164915debcba66cb864d751f3e6');
    const opened = decrypt(KEY, ENCRYPT);
    expect(opened.id).toBe(CORP);
    expect(parseXml(opened.message)).toMatchObject({
      ToUserName: CORP,
      FromUserName: 'mycreate',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    });
  });
});
