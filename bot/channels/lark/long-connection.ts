import * as lark from '@larksuiteoapi/node-sdk';
import { type Log, sdkLogger } from './sdk-logger';

export interface LongConnection {
  health(): { ok: boolean; state: string; reconnects: number };
  stop(): void;
}

/**
 * The long connection (LARK_MODE=ws, the default): Lark pushes events and card callbacks over
 * a WebSocket the app opens, so no public address is needed. The SDK reconnects by itself
 * after a drop; events Lark could not deliver meanwhile it pushes again once we are back,
 * and the event ids remembered by inbound keep a re-push from running twice.
 */
export async function startLongConnection(o: {
  appId: string;
  appSecret: string;
  domain: string;
  dispatcher: lark.EventDispatcher;
  log: Log;
}): Promise<LongConnection> {
  let reconnects = 0;
  const ws = new lark.WSClient({
    appId: o.appId,
    appSecret: o.appSecret,
    domain: o.domain,
    logger: sdkLogger(o.log),
    autoReconnect: true,
    onReady: () => o.log.info('飞书 lark: 长连接已建立 long connection up'),
    onReconnecting: () => o.log.warn('飞书 lark: 长连接断开，正在重连 long connection lost, reconnecting'),
    onReconnected: () => {
      reconnects++;
      o.log.info('飞书 lark: 长连接已恢复 long connection back');
    },
    onError: (e) => o.log.error(`飞书 lark: 长连接失败 long connection failed: ${e.message}`),
  });
  await ws.start({ eventDispatcher: o.dispatcher });
  return {
    health: () => {
      const s = ws.getConnectionStatus();
      return { ok: s.state === 'connected', state: s.state, reconnects };
    },
    stop: () => ws.close({ force: true }),
  };
}
