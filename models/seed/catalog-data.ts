/**
 * The product range of a mid-sized industrial MRO trader: families of items, each spec with
 * its list price in fen ("spec:price", space separated, to keep the table readable).
 * VAT is 13 % unless a family says otherwise (transport 9 %, technical services 6 %).
 */

export interface Family {
  /** SKU letter */
  code: string;
  category: string;
  item: string;
  unit: string;
  specs: string;
  vatRateBp?: number;
  lead?: readonly [number, number];
  service?: boolean;
}

export const FAMILIES: readonly Family[] = [
  {
    code: 'F',
    category: '紧固件',
    item: '不锈钢六角螺栓',
    unit: '个',
    specs: 'M6×20:150 M6×30:180 M10×30:420 M10×50:560 M12×40:780 M12×60:960 M16×60:1850',
  },
  { code: 'F', category: '紧固件', item: '碳钢镀锌六角螺母', unit: '个', specs: 'M6:8 M8:12 M10:20 M12:32 M16:65 M20:120' },
  { code: 'F', category: '紧固件', item: '不锈钢平垫圈', unit: '个', specs: 'M6:5 M8:8 M10:12 M12:18 M16:35' },
  { code: 'F', category: '紧固件', item: '不锈钢弹簧垫圈', unit: '个', specs: 'M6:6 M8:9 M10:14 M12:20 M16:38' },
  { code: 'F', category: '紧固件', item: '内六角圆柱头螺钉 12.9级', unit: '个', specs: 'M4×10:12 M5×12:16 M6×16:25 M8×20:45 M10×25:85' },
  { code: 'F', category: '紧固件', item: '碳钢膨胀螺栓', unit: '套', specs: 'M8×80:95 M10×100:150 M12×120:240' },
  { code: 'F', category: '紧固件', item: '十字盘头自攻螺钉(1000只)', unit: '盒', specs: 'ST3.5×16:2800 ST4.2×19:3600 ST4.8×25:5200' },
  { code: 'F', category: '紧固件', item: '铝制抽芯铆钉(1000只)', unit: '盒', specs: '3.2×8:3500 4.0×10:4800 4.8×12:6500' },
  { code: 'F', category: '紧固件', item: '法兰面螺母', unit: '个', specs: 'M6:15 M8:22 M10:35' },
  { code: 'F', category: '紧固件', item: '吊环螺栓', unit: '个', specs: 'M8:650 M10:880 M12:1250' },
  {
    code: 'B',
    category: '轴承',
    item: '深沟球轴承',
    unit: '套',
    specs:
      '6200-2RS:950 6201-2RS:1050 6202-2RS:1150 6203-2RS:1400 6204-2RS:1900 6206-2RS:4200 6207-2RS:5600 6208-2RS:6800 6300-2RS:1500 6301-2RS:1750 6302-2RS:2100 6304-2RS:3300 6305-2RS:4400 6306-2RS:6200',
    lead: [15, 30],
  },
  {
    code: 'B',
    category: '轴承',
    item: '圆锥滚子轴承',
    unit: '套',
    specs: '30204:3800 30205:4300 30206:5200 30207:6900 30208:8500 32008:9800',
    lead: [15, 30],
  },
  { code: 'B', category: '轴承', item: '推力球轴承', unit: '套', specs: '51104:1600 51105:1900 51106:2300 51107:2800', lead: [15, 30] },
  {
    code: 'B',
    category: '轴承',
    item: '外球面带座轴承',
    unit: '套',
    specs: 'UCP204:5800 UCP205:6500 UCP206:8200 UCF205:7200 UCF206:8900',
    lead: [10, 25],
  },
  {
    code: 'B',
    category: '轴承',
    item: '直线轴承',
    unit: '个',
    specs: 'LM8UU:650 LM10UU:800 LM12UU:950 LM16UU:1500 LM20UU:2200',
    lead: [10, 20],
  },
  { code: 'T', category: '工具', item: '两用扳手', unit: '把', specs: '8mm:1200 10mm:1350 12mm:1500 14mm:1700 17mm:2100 19mm:2500' },
  { code: 'T', category: '工具', item: '活动扳手', unit: '把', specs: '6寸:2800 8寸:3500 10寸:4600 12寸:6200' },
  { code: 'T', category: '工具', item: '内六角扳手套装', unit: '套', specs: '9件套公制:3800 9件套英制:4200' },
  { code: 'T', category: '工具', item: '套筒扳手套装', unit: '套', specs: '24件套:16800 46件套:25800' },
  { code: 'T', category: '工具', item: '螺丝刀', unit: '把', specs: '十字PH1×100:950 十字PH2×150:1200 一字5×100:900 一字6×150:1150' },
  { code: 'T', category: '工具', item: '钳子', unit: '把', specs: '尖嘴钳6寸:2600 钢丝钳8寸:3200 斜口钳6寸:2800' },
  { code: 'T', category: '工具', item: '锂电冲击钻', unit: '台', specs: '20V-2.0Ah:39800 20V-4.0Ah:52800', lead: [5, 10] },
  { code: 'T', category: '工具', item: '角磨机', unit: '台', specs: '100型850W:22800 125型1200W:32800', lead: [5, 10] },
  { code: 'T', category: '工具', item: '钢卷尺', unit: '把', specs: '3m:1200 5m:1800 7.5m:2600' },
  { code: 'T', category: '工具', item: '数显游标卡尺', unit: '把', specs: '0-150mm:12800 0-200mm:16800' },
  { code: 'T', category: '工具', item: '预置式扭力扳手', unit: '把', specs: '5-60N·m:26800 20-200N·m:36800' },
  {
    code: 'E',
    category: '电气',
    item: '小型断路器 DZ47-63',
    unit: '只',
    specs: '1P-C10:1250 1P-C16:1250 1P-C20:1300 1P-C32:1450 2P-C16:2600 2P-C32:2900 3P-C40:4800 3P-C63:5600',
  },
  {
    code: 'E',
    category: '电气',
    item: '交流接触器',
    unit: '只',
    specs: 'CJX2-0910:3800 CJX2-1210:4200 CJX2-1810:5600 CJX2-2510:7800 CJX2-3210:9600',
  },
  { code: 'E', category: '电气', item: '中间继电器', unit: '只', specs: 'MY2NJ-DC24V:1200 MY4NJ-DC24V:1450 MY4NJ-AC220V:1450' },
  { code: 'E', category: '电气', item: '热过载继电器', unit: '只', specs: 'JR36-20:4500 JR36-63:8800' },
  { code: 'E', category: '电气', item: '按钮开关 LA38', unit: '只', specs: '绿色平头:650 红色平头:650 急停蘑菇头:1200' },
  { code: 'E', category: '电气', item: '信号指示灯 AD16-22', unit: '只', specs: '红色AC220V:450 绿色AC220V:450 黄色DC24V:450' },
  { code: 'E', category: '电气', item: 'BV铜芯电线(100米)', unit: '卷', specs: '1.5平方:16800 2.5平方:26800 4平方:42800 6平方:63800' },
  { code: 'E', category: '电气', item: 'RVV护套线(100米)', unit: '卷', specs: '2×1.0:19800 3×1.5:39800' },
  { code: 'E', category: '电气', item: '导轨式接线端子', unit: '只', specs: 'UK2.5B:120 UK5N:180 UK10N:350' },
  { code: 'E', category: '电气', item: '开关电源', unit: '台', specs: 'S-50-24:6800 S-100-24:8800 S-350-24:16800' },
  {
    code: 'E',
    category: '电气',
    item: '通用变频器',
    unit: '台',
    specs: '0.75kW-220V:98000 2.2kW-380V:148000 5.5kW-380V:238000',
    lead: [7, 15],
  },
  { code: 'E', category: '电气', item: '行程开关', unit: '只', specs: 'YBLX-ME/8108:1800 YBLX-ME/8104:1800' },
  { code: 'E', category: '电气', item: '接近开关 LJ12A3-4-Z', unit: '只', specs: 'BX-NPN常开:1600 AY-PNP常开:1600' },
  { code: 'D', category: '传动件', item: '三角带', unit: '条', specs: 'A1000:1500 A1200:1700 B1500:2600 B1800:3000' },
  { code: 'D', category: '传动件', item: '滚子链条(5米)', unit: '条', specs: '08A单排:8500 10A单排:12800 12A单排:18800' },
  { code: 'D', category: '传动件', item: '链轮', unit: '个', specs: '08B-15齿:2800 08B-20齿:3600' },
  { code: 'D', category: '传动件', item: '梅花联轴器', unit: '个', specs: 'D30L40:3200 D40L50:4800 D55L78:8600' },
  { code: 'D', category: '传动件', item: '橡胶同步带', unit: '条', specs: 'HTD5M-450:2600 HTD8M-800:5800' },
  { code: 'M', category: '密封件', item: '丁腈O型圈', unit: '个', specs: '10×1.9:20 20×2.4:35 30×3.1:55 50×3.1:85' },
  { code: 'M', category: '密封件', item: '骨架油封 TC', unit: '个', specs: '25×40×7:450 35×52×8:600 45×62×8:850' },
  { code: 'M', category: '密封件', item: '聚四氟乙烯生料带', unit: '卷', specs: '20m:300' },
  { code: 'M', category: '密封件', item: '厌氧胶', unit: '支', specs: '243螺纹锁固50ml:4800 587平面密封50ml:3600' },
  { code: 'P', category: '气动元件', item: 'PU气管(100米)', unit: '卷', specs: '6×4:9800 8×5:13800 10×6.5:19800 12×8:26800' },
  { code: 'P', category: '气动元件', item: '快插直通接头', unit: '个', specs: 'PC6-01:350 PC8-02:450 PC10-03:650' },
  { code: 'P', category: '气动元件', item: '标准气缸', unit: '只', specs: 'SC32×100:16800 SC40×150:21800 SC50×200:29800', lead: [7, 20] },
  { code: 'P', category: '气动元件', item: '二位五通电磁阀', unit: '只', specs: '4V210-08-DC24V:5800 4V310-10-DC24V:7800' },
  { code: 'P', category: '气动元件', item: '气源处理器', unit: '只', specs: 'AFR2000:6800 AFC2000:9800' },
  {
    code: 'S',
    category: '劳保用品',
    item: '劳保防护',
    unit: '副',
    specs: '丁腈涂层手套:450 5级防割手套:1800 防冲击护目镜:1500 降噪耳塞(盒):2800 反光背心:1200',
  },
  { code: 'S', category: '劳保用品', item: 'ABS安全帽', unit: '顶', specs: 'V型透气:2200 盔式:1800' },
  { code: 'S', category: '劳保用品', item: '钢包头劳保鞋', unit: '双', specs: '39码:9800 41码:9800 43码:9800' },
  { code: 'V', category: '服务', item: '现场安装调试服务', unit: '次', specs: '标准:80000', vatRateBp: 600, service: true },
  { code: 'V', category: '服务', item: '设备检测服务', unit: '次', specs: '标准:50000', vatRateBp: 600, service: true },
  { code: 'V', category: '服务', item: '技术培训服务', unit: '次', specs: '半天:30000', vatRateBp: 600, service: true },
  { code: 'V', category: '服务', item: '同城配送服务', unit: '次', specs: '标准:15000', vatRateBp: 900, service: true },
  { code: 'V', category: '服务', item: '干线物流运输服务', unit: '次', specs: '整车:180000', vatRateBp: 900, service: true },
];

/** Kits assembled in-house from stock items (make, with a BOM): item, spec, list price, components. */
export const KITS: readonly { item: string; spec: string; listFen: number; components: readonly (readonly [string, number])[] }[] = [
  {
    item: '螺栓紧固套件',
    spec: 'M8',
    listFen: 420,
    components: [
      ['A100', 1],
      ['碳钢镀锌六角螺母 M8', 1],
      ['不锈钢平垫圈 M8', 2],
      ['不锈钢弹簧垫圈 M8', 1],
    ],
  },
  {
    item: '螺栓紧固套件',
    spec: 'M10',
    listFen: 680,
    components: [
      ['不锈钢六角螺栓 M10×30', 1],
      ['碳钢镀锌六角螺母 M10', 1],
      ['不锈钢平垫圈 M10', 2],
    ],
  },
  {
    item: '电机控制箱组件',
    spec: '4kW',
    listFen: 38000,
    components: [
      ['小型断路器 DZ47-63 3P-C40', 1],
      ['交流接触器 CJX2-1810', 1],
      ['热过载继电器 JR36-20', 1],
      ['按钮开关 LA38 绿色平头', 2],
    ],
  },
  {
    item: '输送辊组件',
    spec: 'Φ50×500',
    listFen: 9800,
    components: [
      ['深沟球轴承 6204-2RS', 2],
      ['骨架油封 TC 25×40×7', 2],
    ],
  },
  {
    item: '气缸控制组件',
    spec: 'SC32',
    listFen: 32800,
    components: [
      ['标准气缸 SC32×100', 1],
      ['二位五通电磁阀 4V210-08-DC24V', 1],
      ['快插直通接头 PC6-01', 2],
    ],
  },
];
