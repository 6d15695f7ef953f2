import type { Rng } from './random';

/**
 * Word lists for believable Chinese people and companies, with pinyin where an e-mail
 * address needs it. Cities carry their region (the sales teams are 华东 and 华南) and an
 * administrative division code, which is part of a unified social credit code.
 */

const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['马', 'ma'],
  ['朱', 'zhu'],
  ['胡', 'hu'],
  ['郭', 'guo'],
  ['何', 'he'],
  ['林', 'lin'],
  ['罗', 'luo'],
  ['高', 'gao'],
  ['郑', 'zheng'],
  ['梁', 'liang'],
  ['谢', 'xie'],
  ['宋', 'song'],
  ['唐', 'tang'],
  ['许', 'xu'],
  ['韩', 'han'],
  ['冯', 'feng'],
  ['邓', 'deng'],
  ['曹', 'cao'],
  ['彭', 'peng'],
  ['曾', 'zeng'],
  ['萧', 'xiao'],
  ['田', 'tian'],
  ['董', 'dong'],
  ['潘', 'pan'],
  ['袁', 'yuan'],
  ['蔡', 'cai'],
  ['蒋', 'jiang'],
  ['余', 'yu'],
  ['叶', 'ye'],
  ['杜', 'du'],
];

const GIVEN: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['秀英', 'xiuying'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['桂英', 'guiying'],
  ['建华', 'jianhua'],
  ['志强', 'zhiqiang'],
  ['海燕', 'haiyan'],
  ['晓东', 'xiaodong'],
  ['文静', 'wenjing'],
  ['国平', 'guoping'],
  ['红梅', 'hongmei'],
  ['建国', 'jianguo'],
  ['雪梅', 'xuemei'],
  ['春燕', 'chunyan'],
  ['志明', 'zhiming'],
  ['俊杰', 'junjie'],
  ['佳怡', 'jiayi'],
  ['子轩', 'zixuan'],
  ['浩然', 'haoran'],
  ['雨婷', 'yuting'],
  ['宏伟', 'hongwei'],
  ['晓梅', 'xiaomei'],
  ['永刚', 'yonggang'],
];

export interface City {
  name: string;
  region: '华东' | '华南' | '华中' | '华北';
  /** 6-digit administrative division code (a district of the city) */
  division: string;
}

export const CITIES: readonly City[] = [
  { name: '上海', region: '华东', division: '310115' },
  { name: '上海', region: '华东', division: '310112' },
  { name: '苏州', region: '华东', division: '320505' },
  { name: '昆山', region: '华东', division: '320583' },
  { name: '无锡', region: '华东', division: '320214' },
  { name: '常州', region: '华东', division: '320411' },
  { name: '南京', region: '华东', division: '320115' },
  { name: '杭州', region: '华东', division: '330106' },
  { name: '宁波', region: '华东', division: '330212' },
  { name: '嘉兴', region: '华东', division: '330402' },
  { name: '合肥', region: '华东', division: '340104' },
  { name: '武汉', region: '华中', division: '420106' },
  { name: '天津', region: '华北', division: '120116' },
  { name: '广州', region: '华南', division: '440106' },
  { name: '广州', region: '华南', division: '440113' },
  { name: '深圳', region: '华南', division: '440306' },
  { name: '东莞', region: '华南', division: '441900' },
  { name: '佛山', region: '华南', division: '440606' },
  { name: '中山', region: '华南', division: '442000' },
  { name: '珠海', region: '华南', division: '440402' },
  { name: '惠州', region: '华南', division: '441302' },
  { name: '厦门', region: '华南', division: '350206' },
  { name: '长沙', region: '华中', division: '430104' },
];

const BRAND_WORDS = [
  '恒通',
  '华盛',
  '鼎信',
  '永兴',
  '宏达',
  '金泰',
  '瑞丰',
  '正阳',
  '联创',
  '佳利',
  '新源',
  '盛达',
  '东方',
  '汇丰',
  '精工',
  '天成',
  '力拓',
  '博远',
  '中科',
  '长江',
  '海川',
  '明辉',
  '凯瑞',
  '荣昌',
  '信诚',
  '万邦',
  '安达',
  '振华',
  '福星',
  '德力',
  '远航',
  '九洲',
  '同创',
  '嘉禾',
  '鸿运',
  '国泰',
  '宝丰',
  '通达',
  '兴业',
  '卓越',
];

export const INDUSTRIES = [
  { word: '机电', zh: '机电设备' },
  { word: '机械', zh: '机械制造' },
  { word: '自动化', zh: '自动化设备' },
  { word: '五金', zh: '五金制品' },
  { word: '电气', zh: '电气成套' },
  { word: '汽车配件', zh: '汽车零部件' },
  { word: '模具', zh: '模具加工' },
  { word: '电子', zh: '电子制造' },
  { word: '建设工程', zh: '建筑安装' },
  { word: '物流设备', zh: '物流装备' },
  { word: '精密机械', zh: '精密加工' },
  { word: '环保设备', zh: '环保工程' },
] as const;

const COMPANY_FORMS = ['有限公司', '有限公司', '有限公司', '科技有限公司', '股份有限公司', '实业有限公司', '贸易有限公司'];

export interface Person {
  name: string;
  pinyin: string;
}

export function personName(rng: Rng): Person {
  const [s, sp] = rng.pick(SURNAMES);
  const [g, gp] = rng.pick(GIVEN);
  return { name: s + g, pinyin: sp + gp };
}

export function companyName(rng: Rng, city: City): { name: string; industry: string } {
  const industry = rng.pick(INDUSTRIES);
  const brand = rng.pick(BRAND_WORDS) + (rng.chance(0.3) ? rng.pick(BRAND_WORDS).slice(0, 1) : '');
  return { name: `${city.name}${brand}${industry.word}${rng.pick(COMPANY_FORMS)}`, industry: industry.zh };
}

/** A mainland mobile number with a common carrier prefix. */
export function mobileNumber(rng: Rng, prefix?: string): string {
  const head = prefix ?? rng.pick(['138', '139', '136', '137', '135', '150', '151', '158', '186', '188', '189', '177', '133']);
  return head + rng.digits(11 - head.length);
}

export const CONTACT_TITLES = ['采购经理', '采购专员', '总经理', '设备部主管', '财务经理', '仓库主管', '技术工程师', '生产经理'];

export const CARRIERS = ['顺丰速运', '德邦物流', '中通快运', '安能物流', '京东物流', '跨越速运'] as const;
